"""Logbook entries that say in words what happened to which printer's document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback

from . import texts
from .const import DOMAIN, EVENT_DOCUMENT
from .jobs import JobStatus, job_kind


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[Event[Mapping[str, Any]]], dict[str, str]]], None
    ],
) -> None:
    @callback
    def describe(event: Event[Mapping[str, Any]]) -> dict[str, str]:
        """e.g. "Till 1: X-report — Not printed: The shift is not open: …" (in HA's language)."""
        data = event.data
        kind = job_kind(data["kind"])
        document = texts.document(hass, kind)
        message = f"{document} — {texts.status(hass, kind, JobStatus(data['status']))}"
        if data.get("outcome") == "failed" and data.get("message"):
            message = f"{message}: {data['message']}"
        entry = {"name": data.get("printer") or "LifePay", "message": message}
        if data.get("entity_id"):
            # The line gets the sensor's icon and opens its history, like Home Assistant's own.
            entry["entity_id"] = data["entity_id"]
        return entry

    async_describe_event(DOMAIN, EVENT_DOCUMENT, describe)
