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
from .jobs import problem_in_words


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
    # LifePay's final refusals are handled: the person reads what to do (and a repair issue
    # says it too); Home Assistant logs a ServiceValidationError as one line, where any other
    # error is logged as an "Unexpected exception" with a traceback. Those stay for what is
    # unexpected indeed: LifePay's own failures, an unreachable LifePay, an unknown code.
    key: str
    error_class: type[HomeAssistantError] = ServiceValidationError
    match error:
        case _ if (meaning := problem_in_words(lifepay_words(error))) is not None:
            # LifePay's words mean something known (the shift is not open, say): what to do,
            # in the person's language, instead of its Russian sentence.
            key = f"problem_{meaning.value}"
        case LifePayInputError():
            key = "invalid_input"
        case LifePayValidationError():
            key = "request_rejected"  # LifePay refused what is configured (an unknown printer)
        case LifePayAuthError():
            key = "auth_failed"
        case LifePayCloudPrintDisabledError():
            key = "cloud_print_disabled"
        case LifePayAccessDeniedError():
            key = "access_denied"
        case LifePayServerError():
            key, error_class = "server_error", HomeAssistantError
        case LifePayTransportError():
            key, error_class = "unreachable", HomeAssistantError
        case _:
            key, error_class = "unknown_code", HomeAssistantError
    return error_class(
        str(error),
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )
