"""LifePay cloud-print client. Depends on aiohttp only, never on Home Assistant."""

from .callback import parse_callback, status_of
from .client import DEFAULT_BASE_URL, LifePayClient
from .errors import (
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayCallbackError,
    LifePayCloudPrintDisabledError,
    LifePayConnectionError,
    LifePayError,
    LifePayForbiddenError,
    LifePayHttpStatusError,
    LifePayInputError,
    LifePayMalformedResponseError,
    LifePayResponseError,
    LifePayServerError,
    LifePayTimeoutError,
    LifePayTransportError,
    LifePayValidationError,
    lifepay_words,
)
from .models import (
    CallbackNotification,
    Cashier,
    DocumentKind,
    DocumentStatus,
    JsonValue,
    PrintResult,
)
from .retry import RetrySchedule, new_ext_id

__all__ = [
    "DEFAULT_BASE_URL",
    "CallbackNotification",
    "Cashier",
    "DocumentKind",
    "DocumentStatus",
    "JsonValue",
    "LifePayAccessDeniedError",
    "LifePayAuthError",
    "LifePayCallbackError",
    "LifePayClient",
    "LifePayCloudPrintDisabledError",
    "LifePayConnectionError",
    "LifePayError",
    "LifePayForbiddenError",
    "LifePayHttpStatusError",
    "LifePayInputError",
    "LifePayMalformedResponseError",
    "LifePayResponseError",
    "LifePayServerError",
    "LifePayTimeoutError",
    "LifePayTransportError",
    "LifePayValidationError",
    "PrintResult",
    "RetrySchedule",
    "lifepay_words",
    "new_ext_id",
    "parse_callback",
    "status_of",
]
