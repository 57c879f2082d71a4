"""Sentences for people, in Home Assistant's language, from this integration's translations.

A text sensor's state and a logbook line are plain text, which the frontend does not
translate; so they are written in the language Home Assistant is set to (as Home Assistant does
for device names), from the same translation files as everything else, English as fallback.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import translation
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .jobs import JobKind, JobStatus, PrintJob, Problem, parse_moment, status_key

CATEGORIES = ("exceptions", "entity", "device")
FALLBACK_LANGUAGE = "en"
MAX_STATE_LENGTH = 255


async def async_load(hass: HomeAssistant) -> None:
    """Have the texts at hand for the instance's language and the fallback."""
    for language in {hass.config.language, FALLBACK_LANGUAGE}:
        for category in CATEGORIES:
            await translation.async_get_translations(hass, language, category, {DOMAIN})


@callback
def _text(hass: HomeAssistant, category: str, key: str, placeholders: dict[str, str]) -> str:
    full_key = f"component.{DOMAIN}.{category}.{key}"
    for language in (hass.config.language, FALLBACK_LANGUAGE):
        found = translation.async_get_cached_translations(hass, language, category, DOMAIN)
        if template := found.get(full_key):
            try:
                return template.format(**placeholders)
            except (KeyError, IndexError, ValueError):
                return template
    return key  # never shown when the translation files are complete (a test checks them)


@callback
def document(hass: HomeAssistant, kind: JobKind) -> str:
    """ "X-report", "Shift opening", "Z-report", "Receipt", "Cash in", "Cash out" in the
    instance's language: the words the
    Last message sensor's ``document`` attribute is shown with."""
    key = f"sensor.last_message.state_attributes.document.state.{kind.value}"
    return _text(hass, "entity", key, {})


@callback
def device_word(hass: HomeAssistant, key: str, **placeholders: str) -> str:
    """A device's default name ("Printer {serial}", "Any active printer ({account})")."""
    return _text(hass, "device", f"{key}.name", placeholders)


@callback
def status(hass: HomeAssistant, kind: JobKind, value: JobStatus) -> str:
    """A document's status as its sensor shows it ("Shift opened", "Printed, shift closed")."""
    return _text(hass, "entity", f"sensor.{status_key(kind)}_status.state.{value.value}", {})


@callback
def problem(hass: HomeAssistant, value: Problem, details: dict[str, str]) -> str:
    placeholders = dict(details)
    if (moment := parse_moment(details.get("requested_at"))) is not None:
        placeholders["requested_at"] = local_moment(moment)
    if value is Problem.GAVE_UP and (last := details.get("last_problem")):
        last_details = {
            key.removeprefix("last_"): item
            for key, item in details.items()
            if key.startswith("last_") and key != "last_problem"
        }
        placeholders["last"] = problem(hass, Problem(last), last_details)
    return _text(hass, "exceptions", f"problem_{value.value}.message", placeholders)


def local_moment(moment: datetime) -> str:
    """A moment as a person reads it, in the instance's time zone: 2026-12-02 17:41."""
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M")


@callback
def check_passed(hass: HomeAssistant) -> str:
    """A test-mode request LifePay accepted, in words."""
    return _text(hass, "exceptions", "check_passed.message", {})


@callback
def job_message(hass: HomeAssistant, job: PrintJob) -> str:
    """What a person should read about ``job``: what went wrong and what to do, or its state.

    Always in the instance's language. LifePay speaks Russian: where the meaning of its words
    is not known to us, they are quoted for a Russian reader, for whom they are the reason; any
    other reader finds them in the ``lifepay_message`` attribute, never mixed into a sentence.
    """
    if job.problem is None:
        return status(hass, job.kind, job.status)
    text = problem(hass, job.problem, job.problem_details)
    if job.message and job.problem in _WORDS_UNKNOWN and _reads_russian(hass):
        text = f"{text} {_quoted(hass, job.message)}"
    return text[:MAX_STATE_LENGTH]


def _reads_russian(hass: HomeAssistant) -> bool:
    return hass.config.language.split("-")[0].casefold() == LIFEPAY_LANGUAGE


LIFEPAY_LANGUAGE = "ru"
"""The language of LifePay's own messages."""


_WORDS_UNKNOWN = frozenset(
    {Problem.REFUSED, Problem.PRINTER_ERROR, Problem.PRINTER_NOT_READY, Problem.NO_CONFIRMATION}
)
"""Problems that only say LifePay's words were not understood: those words are the reason."""


@callback
def under_way(hass: HomeAssistant, job: PrintJob, printer: str) -> dict[str, str]:
    """The placeholders of "already under way": which document, where, its state, since when."""
    return {
        "document": document(hass, job.kind),
        "printer": printer,
        "status": status(hass, job.kind, job.status),
        "requested_at": _local_time_today(job.requested_at),
    }


def _local_time_today(moment: datetime) -> str:
    """A moment of today as its time (17:41), of another day with its date."""
    local = dt_util.as_local(moment)
    if local.date() == dt_util.now().date():
        return local.strftime("%H:%M")
    return local_moment(moment)


@callback
def already_under_way(hass: HomeAssistant, job: PrintJob, printer: str) -> str:
    """The sentence a press that made no document hears, for an action's response."""
    return _text(hass, "exceptions", "already_under_way.message", under_way(hass, job, printer))


@callback
def _quoted(hass: HomeAssistant, words: str) -> str:
    return _text(hass, "exceptions", "lifepay_said.message", {"words": words})
