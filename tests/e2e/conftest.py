"""The end-to-end tests' processes run as a user's do: unmeasured."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _processes_unmeasured(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-cov (6, the floor's) measures every Python process a test starts, through the
    COV_CORE_* variables they inherit. Under the tracer `hass` starts two to three times slower,
    and what these processes run is measured already: the integration by tests/integration, the
    mock's command by tests/mock/test_cli.py."""
    for name in [name for name in os.environ if name.startswith("COV_CORE_")]:
        monkeypatch.delenv(name)
