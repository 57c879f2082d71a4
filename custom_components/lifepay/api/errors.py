"""Exceptions raised by the LifePay client.

Two families matter to callers:

* :class:`LifePayResponseError` -- LifePay answered (HTTP 200, documented envelope) with a
  non-zero ``code``. The answer is final: repeating the same request gives the same answer.
* :class:`LifePayTransportError` -- no usable answer arrived (HTTP status other than 200,
  timeout, connection failure, a body that is not the envelope). LifePay asks clients to repeat
  such a request with the same ``ext_id``.
"""

from __future__ import annotations

from collections.abc import Mapping

FieldErrors = Mapping[str, tuple[str, ...]]


class LifePayError(Exception):
    """Base class: carries LifePay's code, message and per-field errors where known."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        field_errors: FieldErrors | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field_errors: FieldErrors = dict(field_errors or {})

    def __str__(self) -> str:
        text = self.message if self.code is None else f"{self.message} (code {self.code})"
        if self.field_errors:
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in self.field_errors.items()
            )
            text = f"{text}: {details}"
        return text


class LifePayInputError(LifePayError, ValueError):
    """The caller's input was refused before anything was sent.

    ``field`` names the input that was refused, when one was: the attribute or parameter name
    (``price``, ``quantity``, ``customer_email``, ``card_amount``, ``ext_id`` ...), so a caller
    can show its own words under that field.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class LifePayResponseError(LifePayError):
    """LifePay answered with a non-zero ``code``: a final answer, not retried."""


class LifePayAuthError(LifePayResponseError):
    """6009 (no user with this login) or 6010 (login and apikey do not match)."""


class LifePayForbiddenError(LifePayResponseError):
    """The account may not do this; see the two subclasses."""


class LifePayCloudPrintDisabledError(LifePayForbiddenError):
    """6080: cloud fiscalization is switched off for the company."""


class LifePayAccessDeniedError(LifePayForbiddenError):
    """6095: this login may not use the printer, or is blocked."""


class LifePayValidationError(LifePayResponseError):
    """400 (data error, with per-field messages) or 6000 (invalid data format)."""


class LifePayServerError(LifePayResponseError):
    """500: LifePay's internal error; LifePay asks users to contact its support."""


class LifePayTransportError(LifePayError):
    """No usable answer: repeat the request with the same ``ext_id`` later."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class LifePayConnectionError(LifePayTransportError):
    """The connection could not be made or broke before an answer arrived."""


class LifePayTimeoutError(LifePayTransportError):
    """No answer within the request timeout."""


class LifePayHttpStatusError(LifePayTransportError):
    """An HTTP status other than 200."""


class LifePayMalformedResponseError(LifePayTransportError):
    """HTTP 200 whose body is not LifePay's documented envelope."""


class LifePayCallbackError(ValueError):
    """A callback notification that cannot be understood."""


_RESPONSE_ERRORS: dict[int, type[LifePayResponseError]] = {
    400: LifePayValidationError,
    500: LifePayServerError,
    6000: LifePayValidationError,
    6009: LifePayAuthError,
    6010: LifePayAuthError,
    6080: LifePayCloudPrintDisabledError,
    6095: LifePayAccessDeniedError,
}


def error_for_code(code: int, message: str, field_errors: FieldErrors) -> LifePayResponseError:
    """Build the exception that fits a non-zero LifePay ``code``."""
    error_class = _RESPONSE_ERRORS.get(code, LifePayResponseError)
    return error_class(message or f"LifePay error {code}", code=code, field_errors=field_errors)


def lifepay_words(error: LifePayError) -> str | None:
    """What LifePay itself said when refusing: its per-field sentences, else its message.

    Field names (``target_serial``) are left out: they are the API's words, not a person's.
    """
    if not isinstance(error, LifePayResponseError):
        return None
    sentences = [sentence for messages in error.field_errors.values() for sentence in messages]
    return " ".join(sentences) or error.message or None
