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
    lifepay_words,
)
from .const import DOMAIN


def storage_error(printer: str) -> HomeAssistantError:
    """Nothing was sent: the request could not be written to disk first."""
    return HomeAssistantError(
        f"The request for {printer} could not be saved",
        translation_domain=DOMAIN,
        translation_key="not_saved",
        translation_placeholders={"printer": printer},
    )


def to_home_assistant_error(error: LifePayError, printer: str) -> HomeAssistantError:
    """The translated error a user sees for ``error`` while printing on ``printer``."""
    placeholders = {
        "printer": printer,
        "code": str(error.code),
        "lifepay_said": lifepay_words(error) or "",
    }
    key: str
    error_class: type[HomeAssistantError] = HomeAssistantError
    match error:
        case LifePayInputError():
            key, error_class = "invalid_input", ServiceValidationError
        case LifePayValidationError():
            # LifePay refused what was configured (a printer it does not know, say), not what
            # the person typed into the action: Home Assistant's guidelines keep
            # ServiceValidationError for the latter.
            key = "request_rejected"
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
