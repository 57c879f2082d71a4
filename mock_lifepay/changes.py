"""A feed of "something changed" for the live console: cheap to touch, coalesced for watchers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class ChangeFeed:
    """Counts changes; watchers wake on the next one, at most once per ``pause``.

    ``touch`` is on the endpoint's hot path: with nobody watching it is one increment.
    """

    def __init__(self) -> None:
        self.version = 0
        self._watchers: set[asyncio.Event] = set()
        self._closed = False

    def touch(self) -> None:
        self.version += 1
        for event in self._watchers:
            event.set()

    def close(self) -> None:
        """End every watch (the server is shutting down)."""
        self._closed = True
        for event in self._watchers:
            event.set()

    def reopen(self) -> None:
        self._closed = False

    def is_closed(self) -> bool:
        return self._closed

    async def watch(self, *, pause: float = 0.2, keepalive: float = 15.0) -> AsyncIterator[bool]:
        """Yield ``True`` now and after each change, ``False`` after ``keepalive`` quiet seconds.

        Changes that come within ``pause`` of the last yield are delivered together.
        """
        event = asyncio.Event()
        self._watchers.add(event)
        try:
            seen = -1
            while not self.is_closed():
                if self.version == seen:
                    event.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(event.wait(), keepalive)
                    if self.is_closed():
                        return
                    if self.version == seen:
                        yield False
                        continue
                seen = self.version
                yield True
                await asyncio.sleep(pause)
        finally:
            self._watchers.discard(event)
