"""Diagnostics: the account's settings (credentials redacted), printers and recent documents."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from . import LifePayConfigEntry
from .const import CONF_LOGIN

TO_REDACT = {CONF_API_KEY, CONF_LOGIN, CONF_WEBHOOK_ID, "token", "callback_url"}
RECENT_JOBS = 20


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: LifePayConfigEntry
) -> dict[str, Any]:
    account = entry.runtime_data
    jobs = account.recent_jobs(RECENT_JOBS)
    diagnostics = async_redact_data(
        {
            "entry": {"data": dict(entry.data)},
            "callback_url": account.callback_url,
            "callback_url_available": account.callback_url is not None,
            "printers": [
                {"name": printer.name, "serial": printer.serial}
                for printer in account.printers.values()
            ],
            "jobs": [
                {
                    "printer": account.printers[job.printer_id].name
                    if job.printer_id in account.printers
                    else None,
                    "kind": job.kind.value,
                    "status": job.status.value,
                    "token": job.token,
                    **job.attributes(),
                }
                for job in jobs
            ],
        },
        TO_REDACT,
    )
    # The secrets also hide inside other text: a default name carries the account's title,
    # "LifePay" and the login ("Any active printer (LifePay 79990000001)").
    secrets = [
        entry.data.get(CONF_API_KEY),
        entry.data.get(CONF_LOGIN),
        entry.data.get(CONF_WEBHOOK_ID),
        *(job.token for job in jobs),
    ]
    scrubbed: dict[str, Any] = _scrub(diagnostics, [secret for secret in secrets if secret])
    return scrubbed


def _scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every occurrence of a secret in its text replaced by the redaction mark."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    return value
