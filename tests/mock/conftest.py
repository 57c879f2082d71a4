"""Fixtures for the mock's own tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


@pytest.fixture
def valid(lifepay_mock: MockHandle) -> dict[str, Any]:
    """The demo administrator's credentials: a request body that passes every check."""
    return {"apikey": lifepay_mock.demo.apikey, "login": lifepay_mock.demo.admin_login}
