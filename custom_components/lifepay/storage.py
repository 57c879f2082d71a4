"""An account's jobs on disk: written at once, readable only by Home Assistant's user, and a
failed write is an error the caller sees.

Home Assistant's ``Store`` logs a failed write and returns as if it had written: fine for
settings, wrong for a callback that is acknowledged to LifePay only once it is on disk. So the
jobs are written here, in ``Store``'s own format and place (``.storage/lifepay.<entry>.jobs``),
which earlier versions wrote with ``Store`` and this one reads as they left it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.json import save_json
from homeassistant.helpers.storage import STORAGE_DIR
from homeassistant.util.json import load_json

from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1
STORAGE_MINOR_VERSION = 1


class StorageError(Exception):
    """The jobs could not be written to disk."""


def jobs_key(entry_id: str) -> str:
    return f"{DOMAIN}.{entry_id}.jobs"


class JobFile:
    """The file of one account's jobs. Writes are serialised: the last one holds the newest
    state, whatever order the callers came in."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self.hass = hass
        self.key = jobs_key(entry_id)
        self.path = Path(hass.config.path(STORAGE_DIR, self.key))
        self._lock = asyncio.Lock()

    async def async_load(self) -> dict[str, Any] | None:
        """The saved data, or ``None`` when there is none (or none that can be read)."""
        return await self.hass.async_add_executor_job(self._read)

    def _read(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        try:
            document = load_json(self.path)
        except HomeAssistantError as err:
            # Kept beside, not overwritten: what it held may still be read by a person.
            aside = self.path.with_name(f"{self.path.name}.unreadable")
            os.replace(self.path, aside)
            LOGGER.error("Saved LifePay documents unreadable (%s); moved to %s", err, aside)
            return None
        data = document.get("data") if isinstance(document, dict) else None
        return data if isinstance(data, dict) else None

    async def async_save(self, data: Callable[[], dict[str, Any]]) -> None:
        """Write what ``data`` gives at the moment of writing; raises :class:`StorageError`."""
        async with self._lock:
            document = {
                "version": STORAGE_VERSION,
                "minor_version": STORAGE_MINOR_VERSION,
                "key": self.key,
                "data": data(),
            }
            try:
                await self.hass.async_add_executor_job(self._write, document)
            except (HomeAssistantError, OSError) as err:
                raise StorageError(f"Could not write {self.path}: {err}") from err

    def _write(self, document: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Private: the jobs hold each document's callback secret.
        save_json(str(self.path), document, private=True, atomic_writes=True)

    async def async_remove(self) -> None:
        await self.hass.async_add_executor_job(self._remove)

    def _remove(self) -> None:
        self.path.unlink(missing_ok=True)
