"""Turn LifePay's errors into translated Home Assistant errors."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayCloudPrintDisabledError,
    LifePayError,
    LifePayInputError,
    LifePayServerError,
    LifePayTransportError,
    LifePayValidationError,
)
from .const import DOMAIN


def field_details(error: LifePayError) -> str:
    """LifePay's per-field messages as one line, e.g. ``target_serial: Принтер не найден.``."""
    return "; ".join(
        f"{field}: {' '.join(messages)}" for field, messages in error.field_errors.items()
    )


def to_home_assistant_error(error: LifePayError, printer: str) -> HomeAssistantError:
    """The translated error a user sees for ``error`` while printing on ``printer``."""
    placeholders = {
        "printer": printer,
        "code": str(error.code),
        "message": error.message,
        "details": field_details(error) or error.message,
    }
    key: str
    error_class: type[HomeAssistantError] = HomeAssistantError
    match error:
        case LifePayInputError():
            key, error_class = "invalid_input", ServiceValidationError
        case LifePayValidationError():
            key, error_class = "request_rejected", ServiceValidationError
        case LifePayAuthError():
            key = "auth_failed"
        case LifePayCloudPrintDisabledError():
            key = "cloud_print_disabled"
        case LifePayAccessDeniedError():
            key = "access_denied"
        case LifePayServerError():
            key = "server_error"
        case LifePayTransportError():
            key = "unreachable"
        case _:
            key = "unknown_code"
    return error_class(
        str(error),
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )
