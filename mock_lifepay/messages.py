"""LifePay's codes and the Russian texts the mock answers with.

The codes and their messages are LifePay's documented table. The per-field messages imitate the
validation errors of the PHP framework behind LifePay's API (Yii 2, Russian locale): that shape
is documented by LifePay's example, the exact wording of most sentences is the mock's choice.
"""

from __future__ import annotations

from typing import Final

OK: Final = 0
DATA_ERROR: Final = 400
INTERNAL_ERROR: Final = 500
INVALID_FORMAT: Final = 6000
LOGIN_NOT_FOUND: Final = 6009
LOGIN_APIKEY_MISMATCH: Final = 6010
CLOUD_PRINT_FORBIDDEN: Final = 6080
ACCESS_DENIED: Final = 6095

CODE_MESSAGES: Final[dict[int, str]] = {
    OK: "",
    DATA_ERROR: "Ошибка данных.",
    INTERNAL_ERROR: "Внутренняя ошибка сервера.",
    INVALID_FORMAT: "Неверный формат данных.",
    LOGIN_NOT_FOUND: "Не удалось найти пользователя по login.",
    LOGIN_APIKEY_MISMATCH: "Не удалось найти пользователя по login и apikey.",
    CLOUD_PRINT_FORBIDDEN: "Облачная фискализация запрещена.",
    ACCESS_DENIED: "Доступ запрещен.",
}

# Attribute labels as Yii 2 derives them from the field names.
FIELD_LABELS: Final[dict[str, str]] = {
    "apikey": "Apikey",
    "login": "Login",
    "test": "Test",
    "target_serial": "Target Serial",
    "ext_id": "Ext Id",
    "callback_url": "Callback Url",
    "callback_data": "Callback Data",
    "cashier_name": "Cashier Name",
    "cashier_inn": "Cashier Inn",
}


def required(field: str) -> str:
    return f"Необходимо заполнить «{FIELD_LABELS[field]}»."


def not_a_string(field: str) -> str:
    return f"Значение «{FIELD_LABELS[field]}» должно быть строкой."


def too_long(field: str, limit: int) -> str:
    return too_long_label(FIELD_LABELS[field], limit)


def too_long_label(label: str, limit: int) -> str:
    return f"Значение «{label}» должно содержать максимум {limit} {_symbols(limit)}."


def invalid(field: str) -> str:
    return f"Значение «{FIELD_LABELS[field]}» неверно."


def not_a_url(field: str) -> str:
    return f"Значение «{FIELD_LABELS[field]}» не является правильным URL."


def not_digits(field: str, length: int) -> str:
    return f"Значение «{FIELD_LABELS[field]}» должно состоять из {length} цифр."


def _symbols(number: int) -> str:
    if number % 10 == 1 and number % 100 != 11:
        return "символ"
    if number % 10 in (2, 3, 4) and number % 100 not in (12, 13, 14):
        return "символа"
    return "символов"


UNKNOWN_ERROR: Final = "Неизвестная ошибка."
PRINTER_NOT_FOUND: Final = "Принтер не найден."
NO_ACTIVE_PRINTER: Final = "Не найден фискальный регистратор по умолчанию."
PRINTER_OFFLINE: Final = "Принтер не в сети. Документ будет напечатан после подключения."
PAPER_OUT: Final = "В принтере закончилась бумага. Документ будет напечатан после замены."
SHIFT_CLOSED: Final = "Смена не открыта."
SHIFT_ALREADY_OPEN: Final = "Смена уже открыта."
SHIFT_EXPIRED: Final = "Смена превысила 24 часа."
SHIFT_OPENED: Final = "Смена открыта."
SHIFT_CLOSED_BY_Z_REPORT: Final = "Смена закрыта."
PROCESSED: Final = "Документ обработан."
QUEUED: Final = "Документ поставлен в очередь."
NOT_ENOUGH_CASH: Final = "Недостаточно наличных в денежном ящике."
TARGET_SERIAL_REQUIRED: Final = "Необходимо заполнить «Target Serial»."

# The callback's error_code of a receipt or cash movement that failed (the mock's own numbers:
# LifePay's are unknown; receivers treat the presence of error_code as the failure).
ERROR_CODES: Final = {
    SHIFT_CLOSED: 2,
    SHIFT_EXPIRED: 3,
    NOT_ENOUGH_CASH: 4,
}
PRINTER_ERROR_CODE: Final = 1
"""The error_code when the printer's own error message failed the document."""
