"""A mock of LifePay's cloud-print API for developers and tests.

Run it with ``python -m mock_lifepay``; use it in pytest through the ``lifepay_mock`` fixture
(:mod:`mock_lifepay.pytest_plugin`); embed it with :class:`MockServer`.
"""

from .models import DocumentStatus, DocumentType, PrinterState
from .runtime import MockLifePay
from .seed import DEMO, DemoAccount
from .server import ENDPOINT, ENDPOINTS, MockServer, create_app
from .settings import CallbackEncoding, Settings

__all__ = [
    "DEMO",
    "ENDPOINT",
    "ENDPOINTS",
    "CallbackEncoding",
    "DemoAccount",
    "DocumentStatus",
    "DocumentType",
    "MockLifePay",
    "MockServer",
    "PrinterState",
    "Settings",
    "create_app",
]
