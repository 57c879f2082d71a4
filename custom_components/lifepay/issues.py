"""Repair issues: raised where a person must act, cleared when what they describe is gone.

Issues follow what they describe: cloud fiscalization is switched on or off for a whole
company (one issue per account); access to a printer and a report nobody answered concern one
printer (one issue per printer). Each offers the fix Home Assistant can do (repairs.py).
"""

from __future__ import annotations

from enum import StrEnum

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


class Issue(StrEnum):
    CLOUD_PRINT_DISABLED = "cloud_print_disabled"
    """LifePay code 6080, for the whole company: check again once it is switched on."""
    ACCESS_DENIED = "access_denied"
    """LifePay code 6095, for one printer: change the printer (serial) right in the fix."""
    GAVE_UP = "gave_up"
    """LifePay never answered about one printer's document: send it again."""

    @property
    def per_printer(self) -> bool:
        return self is not Issue.CLOUD_PRINT_DISABLED


ACCOUNT_ISSUES = (Issue.CLOUD_PRINT_DISABLED,)
PRINTER_ISSUES = (Issue.ACCESS_DENIED, Issue.GAVE_UP)


def issue_id(issue: Issue | str, owner_id: str) -> str:
    """``owner_id``: the entry's id for account issues, the printer's subentry id otherwise."""
    return f"{issue}_{owner_id}"


@callback
def async_raise(
    hass: HomeAssistant,
    issue: Issue,
    entry: ConfigEntry,
    placeholders: dict[str, str],
    subentry_id: str | None = None,
) -> None:
    """Raise ``issue`` for the account, or for its printer ``subentry_id`` if it is a printer's.

    An account's issue names no printer in its data, even when a press on one printer found it:
    it must outlive that printer (``__init__.py`` forgets the issues of removed printers).
    """
    printer = subentry_id if issue.per_printer and subentry_id else None
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(issue, printer or entry.entry_id),
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key=issue.value,
        translation_placeholders=placeholders,
        data={"entry_id": entry.entry_id, "subentry_id": printer or ""},
    )


@callback
def async_clear(hass: HomeAssistant, issue: Issue, owner_id: str) -> None:
    ir.async_delete_issue(hass, DOMAIN, issue_id(issue, owner_id))


@callback
def async_clear_all(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Everything an account raised, when it is removed."""
    for issue in ACCOUNT_ISSUES:
        async_clear(hass, issue, entry.entry_id)
    for subentry_id in entry.subentries:
        for issue in PRINTER_ISSUES:
            async_clear(hass, issue, subentry_id)
