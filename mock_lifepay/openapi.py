"""The mock's OpenAPI 3.1 document: LifePay's endpoints, the callback webhook, the control API.

Built as data, served at ``/_mock/openapi.json``. The test suite validates it with a real
validator and checks every answer the tests receive from the mock against it, so it cannot drift
from the code. Schemas of the mock's own objects forbid unknown properties for that reason.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from . import bounds, sales
from . import messages as msg
from .backend import (
    CALLBACK_URL_MAX_LENGTH,
    CASHIER_INN_LENGTH,
    CASHIER_NAME_MAX_LENGTH,
    EXT_ID_MAX_LENGTH,
)
from .faults import FIELDS_OF, FaultKind
from .models import REPORT_TOTALS, REPORT_TYPES, DocumentStatus, DocumentType, PrinterState
from .seed import DEMO
from .settings import NOTIFIED_STATUSES, STATUS_WORD_PRESETS, CallbackEncoding

Schema = dict[str, Any]

REPOSITORY: Final = "https://github.com/lifepay-homeassistant/lifepay-homeassistant"
UUID_EXAMPLE: Final = "dabe3833-43ff-5e5c-a45e-9cff664503fd"
LIFEPAY_PATHS: Final = {
    "/cloud-print/create-x-report": (
        DocumentType.X_REPORT,
        "Print an X-report",
        "The current shift's running totals, without closing the shift. Documented by LifePay.",
    ),
    "/cloud-print/create-session": (
        DocumentType.OPEN_SHIFT,
        "Open the shift",
        "Opens the printer's next shift. A sibling page of create-x-report; its ext_id, "
        "callback_url and callback_data parts were unreadable and are taken as on that page.",
    ),
    "/cloud-print/create-z-report": (
        DocumentType.Z_REPORT,
        "Close the shift with a Z-report",
        "Prints the shift's totals and closes it. A sibling page of create-x-report; its ext_id, "
        "callback_url and callback_data parts were unreadable and are taken as on that page.",
    ),
    "/cloud-print/create-receipt": (
        DocumentType.RECEIPT,
        "Print a fiscal receipt (FFD 1.05)",
        "A sale, a refund, a purchase or its refund: positions, taxes and payment. Documented "
        "(its beginning); the fields after it as public clients send them. Printed in the open "
        "shift and counted in its totals; on a closed shift, an error callback.",
    ),
    "/cloud-print/cash-in": (
        DocumentType.CASH_IN,
        "Put cash into the drawer",
        "`amount` and `target_serial` required (documented). Counted in the shift's cash in.",
    ),
    "/cloud-print/cash-out": (
        DocumentType.CASH_OUT,
        "Take cash out of the drawer",
        "`amount` and `target_serial` required (documented). More than the drawer holds: an "
        "error callback (the mock's assumption).",
    ),
}
REQUEST_OF: Final = {
    DocumentType.X_REPORT: "XReportRequest",
    DocumentType.OPEN_SHIFT: "ShiftRequest",
    DocumentType.Z_REPORT: "ShiftRequest",
    DocumentType.RECEIPT: "ReceiptRequest",
    DocumentType.CASH_IN: "CashRequest",
    DocumentType.CASH_OUT: "CashRequest",
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Schema], *, required: list[str] | None = None) -> Schema:
    """A closed object: every property the mock sends, and no other."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _nullable(schema: Schema) -> Schema:
    return {"oneOf": [schema, {"type": "null"}]}


def _enum(values: list[str]) -> Schema:
    return {"type": "string", "enum": values}


STRING: Final[Schema] = {"type": "string"}
INTEGER: Final[Schema] = {"type": "integer"}
NUMBER: Final[Schema] = {"type": "number"}
BOOLEAN: Final[Schema] = {"type": "boolean"}
MOMENT: Final[Schema] = {"type": "string", "format": "date-time"}
ANY_JSON: Final[Schema] = {}
ANY_ARRAY: Final[Schema] = {"type": "array", "items": ANY_JSON}
STATUSES: Final = [status.value for status in DocumentStatus]
TYPES: Final = [kind.value for kind in DocumentType]


def _request_schemas() -> dict[str, Schema]:
    optional_text = {"type": "string"}
    x_report: Schema = {
        "type": "object",
        "description": (
            "The body is read as JSON whatever its Content-Type says (public clients label it "
            "application/x-www-form-urlencoded, or send no label). An empty string is the same "
            "as an absent field; unknown keys are ignored."
        ),
        "required": ["apikey", "login"],
        "properties": {
            "apikey": {"type": "string", "minLength": 1, "description": "The company's API key."},
            "login": {
                "type": "string",
                "minLength": 1,
                "description": "An administrator's or a trade point's login (7xxxxxxxxxx).",
            },
            "test": {
                "description": "Test mode: validate only; no uuid, no document, no callback.",
                "oneOf": [
                    {"type": "integer", "enum": [0, 1]},
                    {"type": "string", "enum": ["0", "1", ""]},
                    BOOLEAN,
                    {"type": "null"},
                ],
            },
            "target_serial": optional_text
            | {"description": "The printer's serial; absent: the login's or an active printer."},
            "ext_id": optional_text
            | {
                "maxLength": EXT_ID_MAX_LENGTH,
                "description": "The caller's id; a repeat returns the first document's uuid.",
            },
            "callback_url": optional_text
            | {
                "maxLength": CALLBACK_URL_MAX_LENGTH,
                "description": "An http(s) URL notified on processed, awaiting retry and error.",
            },
            "callback_data": {
                "description": "Sent back in every callback.",
                "oneOf": [STRING, {"type": "object"}, ANY_ARRAY, {"type": "null"}],
            },
        },
        "additionalProperties": True,
        "example": {
            "apikey": DEMO.apikey,
            "login": DEMO.admin_login,
            "target_serial": DEMO.printers[0],
            "ext_id": "evening-1",
            "callback_url": "https://example.org/lifepay/hook",
            "callback_data": {"token": "s3cret"},
        },
    }
    shift = copy.deepcopy(x_report)
    shift["properties"] |= {
        "cashier_name": optional_text
        | {"maxLength": CASHIER_NAME_MAX_LENGTH, "description": "The cashier's name."},
        "cashier_inn": {
            "type": "string",
            "pattern": f"^([0-9]{{{CASHIER_INN_LENGTH}}})?$",
            "description": "The cashier's INN: a person's, 12 digits.",
        },
    }
    shift["example"] = x_report["example"] | {
        "cashier_name": "Иванова Мария",
        "cashier_inn": "500100732259",
    }
    receipt = copy.deepcopy(shift)
    receipt["required"] = ["apikey", "login", "purchase"]
    receipt["properties"] |= _receipt_fields()
    receipt["example"] = x_report["example"] | {
        "ext_id": "order-1042",
        "type": "payment",
        "purchase": {
            "products": [
                {"name": "Хлеб", "price": 45.5, "quantity": 2, "tax": "vat10"},
                {"name": "Кофе", "price": "199.99", "quantity": 1.0, "tax": "vat20"},
            ]
        },
        "card_amount": 100,
        "cashier_name": "Иванова Мария",
    }
    cash = copy.deepcopy(x_report)
    cash["required"] = ["apikey", "login", "amount", "target_serial"]
    cash["properties"]["amount"] = MONEY | {"description": "Roubles (kopecks after the point)."}
    cash["example"] = x_report["example"] | {"ext_id": "float-1", "amount": "5000.00"}
    return {
        "XReportRequest": x_report,
        "ShiftRequest": shift,
        "ReceiptRequest": receipt,
        "CashRequest": cash,
    }


MONEY: Final[Schema] = {
    "description": "Roubles: a number or a numeric string, at most 2 decimals, not negative.",
    "oneOf": [
        {"type": "number", "minimum": 0, "maximum": float(sales.MAX_RUBLES)},
        {"type": "string", "pattern": r"^[0-9]{1,8}(\.[0-9]{1,2})?$"},
    ],
}


def _optional_enum(values: list[str], description: str) -> Schema:
    """An enum, or an empty string (the same as absent)."""
    return {"type": "string", "enum": [*values, ""], "description": description}


def _receipt_fields() -> dict[str, Schema]:
    whole = {"oneOf": [INTEGER, {"type": "string", "pattern": "^[0-9]{1,3}$"}]}
    product = {
        "type": "object",
        "required": ["name", "price"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": sales.PRODUCT_NAME_MAX_LENGTH},
            "price": MONEY | {"description": "Per unit, in roubles."},
            "quantity": {
                "description": "At most 3 decimals, more than 0; 1 when absent.",
                "oneOf": [
                    {"type": "number", "exclusiveMinimum": 0},
                    {"type": "string", "pattern": r"^[0-9]{1,5}(\.[0-9]{1,3})?$"},
                ],
            },
            "tax": _optional_enum(
                list(sales.VAT_RATES), "VAT; none when absent; vat18 is taken as 20% (since 2019)."
            ),
            "unit": {"type": "string", "maxLength": sales.UNIT_MAX_LENGTH},
            "item_type": whole
            | {"description": "Payment subject (FFD tag 1212), 1 to 33; 1 (goods) when absent."},
            "type": whole
            | {"description": "Payment method (FFD tag 1214), 1 to 7; 4 (full) when absent."},
            "discount": {
                "type": "object",
                "required": ["type", "value"],
                "properties": {
                    "type": _enum(["percent", "amount"]),
                    "value": MONEY,
                },
            },
        },
        "additionalProperties": True,
    }
    return {
        "purchase": {
            "type": "object",
            "required": ["products"],
            "properties": {
                "products": {
                    "type": "array",
                    "items": product,
                    "minItems": 1,
                    "maxItems": sales.MAX_PRODUCTS,
                }
            },
            "additionalProperties": True,
        },
        "type": _optional_enum(
            [kind.value for kind in sales.ReceiptKind], "The operation; payment when absent."
        ),
        "mode": _optional_enum(
            [mode.value for mode in sales.ReceiptMode],
            "print (default), email (electronic only: needs customer_email or customer_phone) "
            "or print_email.",
        ),
        "card_amount": {
            "description": "The part paid by card, or `#`: the whole sum. The rest is cash.",
            "oneOf": [*MONEY["oneOf"], {"const": sales.WHOLE_SUM}, {"const": ""}],
        },
        "prepayment_amount": MONEY | {"description": "An advance offset against the sum."},
        "tax_system": _optional_enum(
            [system.value for system in sales.TaxSystem], "osn when absent."
        ),
        "customer_email": {"type": "string", "maxLength": sales.CUSTOMER_EMAIL_MAX_LENGTH},
        "customer_phone": {"type": "string", "pattern": "^(7[0-9]{10})?$"},
    }


def _answer_schemas() -> dict[str, Schema]:
    field_errors = {
        "type": "object",
        "additionalProperties": {"type": "array", "items": STRING, "minItems": 1},
    }
    empty = {"type": "array", "items": ANY_JSON, "maxItems": 0}
    return {
        "Answer": {
            "description": "LifePay's envelope; always HTTP 200, Content-Type exactly "
            "`application/json; charset=UTF-8`.",
            # Exactly one matches (Created and TestModeAccepted differ by data); anyOf because a
            # linter cannot see that.
            "anyOf": [
                _ref("Created"),
                _ref("TestModeAccepted"),
                _ref("DataError"),
                _ref("Refused"),
            ],
        },
        "Created": _obj(
            {
                "code": {"const": msg.OK},
                "message": {"const": ""},
                "data": _obj({"uuid": {"type": "string", "format": "uuid"}}),
            }
        ),
        "TestModeAccepted": _obj(
            {"code": {"const": msg.OK}, "message": {"const": ""}, "data": empty}
        ),
        "DataError": _obj(
            {
                "code": {"const": msg.DATA_ERROR},
                "message": {"const": msg.CODE_MESSAGES[msg.DATA_ERROR]},
                "data": field_errors,
            }
        ),
        "Refused": _obj(
            {
                "code": {"type": "integer", "not": {"enum": [msg.OK, msg.DATA_ERROR]}},
                "message": STRING,
                "data": empty,
            }
        ),
    }


def _answer_examples() -> dict[str, Schema]:
    def example(code: int, data: Any, summary: str) -> Schema:
        return {
            "summary": summary,
            "value": {"code": code, "message": msg.CODE_MESSAGES[code], "data": data},
        }

    return {
        "created": example(msg.OK, {"uuid": UUID_EXAMPLE}, "0: the document's uuid"),
        "test_mode": example(msg.OK, [], "0 in test mode: no uuid"),
        "data_error": example(
            msg.DATA_ERROR, {"target_serial": [msg.PRINTER_NOT_FOUND]}, "400: per-field errors"
        ),
        "internal_error": example(msg.INTERNAL_ERROR, [], "500: only through a code fault"),
        "invalid_format": example(msg.INVALID_FORMAT, [], "6000: the body is not a JSON object"),
        "login_not_found": example(msg.LOGIN_NOT_FOUND, [], "6009: unknown login"),
        "login_apikey_mismatch": example(
            msg.LOGIN_APIKEY_MISMATCH, [], "6010: the apikey is not the login's company's"
        ),
        "cloud_print_forbidden": example(
            msg.CLOUD_PRINT_FORBIDDEN, [], "6080: the company's cloud printing is off"
        ),
        "access_denied": example(
            msg.ACCESS_DENIED, [], "6095: blocked login, or another trade point's printer"
        ),
    }


def _model_schemas() -> dict[str, Schema]:
    shift = _obj(
        {
            "number": INTEGER,
            "open": BOOLEAN,
            "opened_at": MOMENT,
            "closed_at": _nullable(MOMENT),
            "receipts": INTEGER | {"description": "Receipts printed in the shift."},
            "totals": _obj(dict.fromkeys(REPORT_TOTALS, INTEGER))
            | {"description": "The running totals, in kopecks (counts as numbers)."},
        }
    )
    printer = _obj(
        {
            "serial": STRING,
            "model": STRING,
            "company_id": INTEGER,
            "trade_point_id": INTEGER,
            "state": _enum([s.value for s in PrinterState if s is not PrinterState.SHIFT_CLOSED]),
            "active": BOOLEAN,
            "error_message": _nullable(STRING),
            "shift": _ref("Shift"),
        }
    )
    account = _obj(
        {
            "id": INTEGER,
            "name": STRING,
            "inn": STRING,
            "apikey": STRING,
            "cloud_print_enabled": BOOLEAN,
            "logins": {
                "type": "array",
                "items": _obj(
                    {
                        "login": STRING,
                        "name": STRING,
                        "trade_point_id": _nullable(INTEGER),
                        "blocked": BOOLEAN,
                    }
                ),
            },
            "trade_points": {
                "type": "array",
                "items": _obj({"id": INTEGER, "name": STRING, "address": STRING}),
            },
            "printers": {"type": "array", "items": _ref("Printer")},
        }
    )
    report = _obj(
        {
            "type": _enum([kind.value for kind in DocumentType if kind in REPORT_TYPES]),
            "serial": STRING,
            "model": STRING,
            "company_name": STRING,
            "inn": STRING,
            "address": STRING,
            "shift_number": INTEGER,
            "shift_opened_at": MOMENT,
            "shift_closed_at": _nullable(MOMENT),
            "printed_at": MOMENT,
            "fiscal_document_number": INTEGER,
            "cashier_name": _nullable(STRING),
            "cashier_inn": _nullable(STRING),
            **dict.fromkeys(
                REPORT_TOTALS,
                INTEGER,
            ),
        }
    )
    attempt = _obj(
        {
            "status": _enum([s.value for s in NOTIFIED_STATUSES]),
            "attempt": INTEGER,
            "sent_at": MOMENT,
            "encoding": _enum([e.value for e in CallbackEncoding]),
            "status_word": STRING,
            "http_status": _nullable(INTEGER),
            "error": _nullable(STRING),
            "delivered": BOOLEAN,
        }
    )
    document = _obj(
        {
            "uuid": {"type": "string", "format": "uuid"},
            "ext_id": _nullable(STRING),
            "type": _enum(TYPES),
            "company_id": INTEGER,
            "login": STRING,
            "target_serial": STRING,
            "status": _enum(STATUSES),
            "message": STRING,
            "created_at": MOMENT,
            "updated_at": MOMENT,
            "callback_url": _nullable(STRING),
            "callback_data": ANY_JSON,
            "cashier_name": _nullable(STRING),
            "cashier_inn": _nullable(STRING),
            "history": {
                "type": "array",
                "items": _obj({"at": MOMENT, "status": _enum(STATUSES), "message": STRING}),
            },
            "callbacks": {"type": "array", "items": _ref("CallbackAttempt")},
            "sale": _nullable({"oneOf": [_ref("Receipt"), _obj({"amount": INTEGER})]})
            | {"description": "What a receipt or a cash movement asked for, in kopecks."},
            "report": _nullable(
                {"oneOf": [_ref("Report"), _ref("PrintedReceipt"), _ref("CashSlip")]}
            )
            | {"description": "What the printer printed, once it has."},
        }
    )
    header = {
        "serial": STRING,
        "model": STRING,
        "company_name": STRING,
        "inn": STRING,
        "address": STRING,
    }
    position = _obj(
        {
            "name": STRING,
            "price": INTEGER,
            "quantity": {"type": "string", "description": "Exact, as a decimal."},
            "tax": _enum(list(sales.VAT_RATES)),
            "item_type": INTEGER,
            "payment_method": INTEGER,
            "unit": _nullable(STRING),
            "discount": INTEGER,
            "total": INTEGER,
            "vat": _nullable(INTEGER),
        }
    )
    receipt = _obj(
        {
            "kind": _enum([kind.value for kind in sales.ReceiptKind]),
            "mode": _enum([mode.value for mode in sales.ReceiptMode]),
            "tax_system": _enum([system.value for system in sales.TaxSystem]),
            "positions": {"type": "array", "items": position},
            "total": INTEGER,
            "card": INTEGER,
            "cash": INTEGER,
            "prepayment": INTEGER,
            "vat": {
                "type": "object",
                "additionalProperties": INTEGER,
                "description": "The VAT of each rate, from the rate's total.",
            },
            "customer_email": _nullable(STRING),
            "customer_phone": _nullable(STRING),
        }
    ) | {"description": "A receipt; every sum in kopecks."}
    printed_receipt = _obj(
        {
            "type": {"const": DocumentType.RECEIPT.value},
            **header,
            "shift_number": INTEGER,
            "number_in_shift": INTEGER,
            "fiscal_document_number": INTEGER,
            "fn_number": STRING,
            "registration_number": STRING,
            "fiscal_sign": STRING,
            "printed_at": MOMENT,
            "ofd_url": {"type": "string", "format": "uri"},
            "cashier_name": _nullable(STRING),
            "receipt": _ref("Receipt"),
        }
    )
    cash_slip = _obj(
        {
            "type": _enum([DocumentType.CASH_IN.value, DocumentType.CASH_OUT.value]),
            **header,
            "shift_number": INTEGER,
            "amount": INTEGER,
            "cash_in_drawer": INTEGER,
            "printed_at": MOMENT,
            "cashier_name": _nullable(STRING),
        }
    )
    notification = _obj(
        {
            "uuid": {"type": "string", "format": "uuid"},
            "ext_id": _nullable(STRING),
            "type": _enum(TYPES),
            "status": {
                "type": "string",
                "description": "processed, awaiting_retry or error; other words when "
                "callback_status_words maps them (e.g. success, fail).",
            },
            "message": STRING,
            "target_serial": STRING,
            "created_at": MOMENT,
            "updated_at": MOMENT,
            "callback_data": ANY_JSON,
            "ofd_url": {"type": "string", "format": "uri"}
            | {"description": "A printed receipt's page at the fiscal data operator."},
            "fn_number": STRING | {"description": "A printed receipt's fiscal drive."},
            "fiscal_document_number": INTEGER | {"description": "A printed receipt's ФД."},
            "fiscal_sign": STRING | {"description": "A printed receipt's ФП."},
            "shift_number": INTEGER | {"description": "A printed receipt's shift."},
            "receipt_number": INTEGER | {"description": "A printed receipt's number in it."},
            "error_code": INTEGER
            | {"description": "A receipt or a cash movement that failed (status error)."},
        },
        required=[
            "uuid",
            "ext_id",
            "type",
            "status",
            "message",
            "target_serial",
            "created_at",
            "updated_at",
            "callback_data",
        ],
    )
    journal_entry = _obj(
        {
            "id": INTEGER,
            "received_at": MOMENT,
            "method": STRING,
            "path": STRING,
            "content_type": STRING,
            "content_type_header": _nullable(STRING),
            "body": STRING,
            "http_status": _nullable(INTEGER),
            "response": ANY_JSON,
            "fault": _nullable(_enum([kind.value for kind in FaultKind])),
            "duration_ms": _nullable(NUMBER),
        }
    )
    return {
        "Shift": shift,
        "Printer": printer,
        "ConsolePrinter": _obj(
            printer["properties"]
            | {
                "company_name": STRING,
                "trade_point_name": STRING,
                "documents": INTEGER | {"description": "Documents kept for this printer."},
                "demo": BOOLEAN | {"description": "One of the demo's printers."},
                "used": BOOLEAN | {"description": "The demo's, or with documents."},
            }
        ),
        "Account": account,
        "Report": report,
        "Receipt": receipt,
        "PrintedReceipt": printed_receipt,
        "CashSlip": cash_slip,
        "CallbackAttempt": attempt,
        "Document": document,
        "Notification": notification,
        "JournalEntry": journal_entry,
        "ControlError": _obj({"error": STRING}),
        "ConsoleState": _obj(
            {
                "version": INTEGER,
                "now": MOMENT,
                "accounts": _array("Account"),
                "printers": _array("ConsolePrinter")
                | {
                    "description": "Every printer: the demo's first, in the demo's order, then "
                    "those with documents, then the rest."
                },
                "documents": _array("Document") | {"description": "The newest 50, newest first."},
                "documents_total": INTEGER,
                "faults": _array("PendingFault"),
                "settings": _ref("Settings"),
                "journal_total": INTEGER,
            }
        ),
        "StateEvent": {
            "type": "object",
            "description": "One server-sent event as parsed (OpenAPI 3.2's itemSchema): its "
            "`data` is the JSON of a ConsoleState.",
            "required": ["event", "data"],
            "properties": {
                "event": {"const": "state"},
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": _ref("ConsoleState"),
                },
            },
        },
        **_fault_schemas(),
        **_settings_schemas(),
        **_patch_schemas(),
    }


def _fault_schemas() -> dict[str, Schema]:
    """A fault per kind: each takes (and shows) only its own fields."""
    own: dict[str, Schema] = {
        "status": bounds.FAULT_STATUS.schema(default=503),
        "seconds": bounds.FAULT_SECONDS.schema(default=0),
        "code": bounds.FAULT_CODE.schema(default=msg.INTERNAL_ERROR),
        "body": {"type": "string", "maxLength": bounds.FAULT_BODY_MAX_LENGTH, "default": ""},
    }
    common: dict[str, Schema] = {
        "times": bounds.FAULT_TIMES.schema(default=1),
        "process": _nullable(BOOLEAN)
        | {"description": "Whether the request still reaches the backend (default: delay, split)."},
    }
    kinds: dict[str, Schema] = {}
    for kind in FaultKind:
        properties = {"kind": {"const": kind.value}} | common
        properties |= {name: own[name] for name in FIELDS_OF[kind]}
        schema = _obj(properties, required=["kind"])
        kinds[f"{_camel(kind.value)}Fault"] = schema | {"description": FAULT_DOCS[kind]}
    # In answers every field of the kind is shown; in a request the defaults may be left out.
    shown = {
        f"Pending{name}": schema | {"required": list(schema["properties"])}
        for name, schema in kinds.items()
    }
    return {
        **kinds,
        **shown,
        "Fault": _one_of_kinds(kinds, "A fault to add: `kind` and its own fields, no others."),
        "PendingFault": _one_of_kinds(shown, "A fault waiting for requests, as it was added."),
    }


def _one_of_kinds(schemas: dict[str, Schema], description: str) -> Schema:
    """One of the per-kind fault schemas, told apart by ``kind``."""
    refs = [_ref(name) for name in schemas]
    mapping = {kind.value: ref["$ref"] for kind, ref in zip(FaultKind, refs, strict=True)}
    return {
        "description": description,
        "oneOf": refs,
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    }


def _camel(snake: str, *, lower: bool = False) -> str:
    camel = "".join(part.capitalize() for part in snake.split("_"))
    return camel[:1].lower() + camel[1:] if lower else camel


FAULT_DOCS: Final = {
    FaultKind.HTTP_STATUS: "A non-200 HTTP status (400-599) with a gateway's HTML page.",
    FaultKind.DELAY: "The normal answer, `seconds` late.",
    FaultKind.DROP: "The connection is closed without an answer.",
    FaultKind.MALFORMED: "HTTP 200 with a truncated JSON body.",
    FaultKind.EMPTY: "HTTP 200 with an empty body.",
    FaultKind.BODY: "HTTP 200 with exactly `body`.",
    FaultKind.CODE: "HTTP 200 with LifePay's envelope for `code`.",
    FaultKind.SPLIT: "The normal answer, its body sent in two pieces `seconds` apart "
    "(0.05 s when 0): a client must read to the end.",
}


def _status_words() -> Schema:
    return {
        "type": "object",
        "description": "The word each notified status carries in a callback's `status`; a "
        "status not named keeps its own name.",
        "properties": {
            status.value: {
                "type": "string",
                "minLength": 1,
                "maxLength": bounds.STATUS_WORD_MAX_LENGTH,
            }
            for status in NOTIFIED_STATUSES
        },
        "additionalProperties": False,
    }


def _settings_schemas() -> dict[str, Schema]:
    settings: dict[str, Schema] = {
        "processing_delay": bounds.PROCESSING_DELAY.schema(
            description="Seconds a printer takes to print a document."
        ),
        "callback_encoding": _enum([e.value for e in CallbackEncoding]),
        "callback_status_words": _status_words(),
        "callback_retry_delays": {
            "type": "array",
            "items": bounds.CALLBACK_RETRY_DELAY.schema(),
            "maxItems": bounds.CALLBACK_RETRIES,
            "description": "Seconds to wait before each further callback try.",
        },
        "callback_timeout": bounds.CALLBACK_TIMEOUT.schema(
            description="Seconds to wait for the receiver's answer (0: no limit)."
        ),
        "callback_user_agent": {
            "type": "string",
            "pattern": bounds.USER_AGENT_PATTERN,
            "description": "The User-Agent header of callbacks (LifePay's sender: GuzzleHttp/7).",
        },
        "background_sales": BOOLEAN
        | {
            "description": "X- and Z-reports first ring up random sales made at the till "
            "(off: the totals are exactly the shift's receipts and cash movements)."
        },
        "max_documents": bounds.MAX_DOCUMENTS.schema(
            description="Documents kept (the oldest finished ones are forgotten; 0 keeps all)."
        ),
    }
    patch = dict(settings)
    patch["callback_status_words"] = {
        "description": "A preset (`document`: the statuses' own names, `payment`: success and "
        "fail) or an object of words.",
        "oneOf": [_enum(list(STATUS_WORD_PRESETS)), _status_words()],
    }
    return {
        "Settings": _obj(settings),
        "SettingsPatch": _patch(patch, "Any of the settings; all or nothing."),
    }


def _patch(properties: dict[str, Schema], description: str) -> Schema:
    """A PATCH body: any of ``properties``, at least one, no others."""
    return _obj(properties, required=[]) | {"minProperties": 1, "description": description}


def _present(*names: str) -> Schema:
    """Every one of ``names`` is in the object (whatever its value)."""
    return {"properties": dict.fromkeys(names, ANY_JSON), "required": list(names)}


def _patch_schemas() -> dict[str, Schema]:
    closes = {
        "anyOf": [
            {"properties": {"shift": {"const": "closed"}}, "required": ["shift"]},
            {"properties": {"state": {"const": "shift_closed"}}, "required": ["state"]},
        ]
    }
    opens = {
        "anyOf": [
            _present("shift_opened_at"),
            _present("shift_age_hours"),
            {"properties": {"shift": {"const": "open"}}, "required": ["shift"]},
        ]
    }
    printer = _patch(
        {
            "state": _enum([s.value for s in PrinterState])
            | {"description": "`shift_closed` (of old) closes the shift; the connection stays."},
            "error_message": _nullable(
                {"type": "string", "maxLength": bounds.ERROR_MESSAGE_MAX_LENGTH}
            )
            | {"description": "Every document the printer processes fails with it; null clears."},
            "shift": _enum(["open", "closed"]),
            "shift_opened_at": MOMENT
            | {
                "pattern": bounds.SHIFT_OPENED_PATTERN,
                "description": "When the (open) shift opened, in the years "
                f"{bounds.SHIFT_OPENED_YEARS[0]} to {bounds.SHIFT_OPENED_YEARS[1]}. A time "
                "without an offset is also taken, as UTC.",
            },
            "shift_age_hours": bounds.SHIFT_AGE_HOURS.schema(
                description="How long ago the (open) shift opened."
            ),
        },
        "The state, the error message and the shift. shift_opened_at and shift_age_hours "
        "exclude each other; a patch that closes the shift sets no opening time. Setting an "
        "opening time needs an open shift, or `shift: open` in the same patch.",
    )
    printer["allOf"] = [
        {"not": _present("shift_opened_at", "shift_age_hours")},
        {"not": {"allOf": [closes, opens]}},
    ]
    return {
        "PrinterPatch": printer,
        "CompanyPatch": _patch({"cloud_print_enabled": BOOLEAN}, "Cloud printing on or off.")
        | {"required": ["cloud_print_enabled"]},
        "LoginPatch": _patch({"blocked": BOOLEAN}, "Block or unblock.") | {"required": ["blocked"]},
    }


def _json(schema: Schema, description: str = "OK") -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _text(description: str, media: str = "text/plain") -> Schema:
    return {"description": description, "content": {media: {"schema": STRING}}}


def _array(name: str) -> Schema:
    return {"type": "array", "items": _ref(name)}


def _control_error(description: str) -> Schema:
    return _json(_ref("ControlError"), description)


def _patch_body(schema: Schema) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


NO_CONTENT: Final = {"description": "Done."}
BAD_FILTER: Final = _control_error("A filter is unknown or its value is not valid.")
BAD_REQUEST: Final = _control_error("The patch is not valid; nothing changed.")


def _path_parameter(name: str, example: str | int, schema: Schema = STRING) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema, "example": example}


BAD_INPUT_NOTE: Final = (
    " Bad input is answered as LifePay answers it: HTTP 200 with a non-zero `code` (6000 for a "
    "body that is not a JSON object, 400 with per-field messages, 6009, 6010, 6080, 6095), never "
    "a 4xx; a non-200 status comes only from the gateway (a body over 1 MiB, an http_status "
    "fault)."
)
# The body is JSON whatever it is labelled: public clients send it as these.
JSON_TEXT_LABELS: Final = ("application/x-www-form-urlencoded", "text/plain")


def _lifepay_request(name: str) -> Schema:
    """The request body: JSON, labelled as JSON or as anything public clients label it."""
    as_text = {
        "type": "string",
        "contentMediaType": "application/json",
        "contentSchema": _ref(name),
        "description": "The same JSON text, labelled otherwise (PHP curl with a string body, "
        "Ruby Faraday and Net::HTTP label it a form): read as JSON whatever the label.",
    }
    content: Schema = {"application/json": {"schema": _ref(name)}}
    content |= {label: {"schema": as_text} for label in JSON_TEXT_LABELS}
    return {"required": True, "content": content}


def _lifepay_operation(path: str) -> Schema:
    kind, summary, description = LIFEPAY_PATHS[path]
    request = REQUEST_OF[kind]
    uuid = "$response.body#/data/uuid"
    return {
        "post": {
            "tags": ["LifePay"],
            "operationId": _camel(path.rsplit("/", 1)[1].replace("-", "_"), lower=True),
            "summary": summary,
            "description": f"{description} Makes a `{kind.value}` document.{BAD_INPUT_NOTE}",
            "requestBody": _lifepay_request(request),
            "responses": {
                "200": {
                    "description": "Every answer: success and errors alike, told by `code`.",
                    "content": {
                        "application/json": {
                            "schema": _ref("Answer"),
                            "examples": _answer_examples(),
                        }
                    },
                    "links": {
                        "document": {
                            "operationId": "getDocument",
                            "parameters": {"uuid": uuid},
                            "description": "The document made (the mock's status look-up).",
                        },
                        "report": {
                            "operationId": "getReport",
                            "parameters": {"uuid": uuid},
                            "description": "Its printed report, once printed.",
                        },
                    },
                },
                "413": _text("The body is over 1 MiB (refused as by a front proxy)."),
                "4XX": _text("Only through an http_status fault: a gateway page.", "text/html"),
                "5XX": _text(
                    "Only through an http_status fault: a gateway page; repeat with the same "
                    "ext_id.",
                    "text/html",
                ),
            },
        }
    }


def _op(operation_id: str, summary: str, description: str, **more: Any) -> Schema:
    return {
        "tags": [CONTROL_TAG],
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        **more,
    }


CONTROL_TAG: Final = "Control API (the mock's own)"


def _query_parameters(*parameters: tuple[str, Schema, str]) -> list[Schema]:
    """Optional query parameters: each a name, a schema and a description."""
    return [
        {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
        for name, schema, text in parameters
    ]


def _control_paths() -> dict[str, Schema]:
    serial = _path_parameter("serial", "00106304012797")
    document_filters = _query_parameters(
        ("ext_id", STRING, "Only the document with this ext_id."),
        ("serial", STRING, "Only documents for this printer."),
        ("status", _enum(STATUSES), "Only documents in this status."),
        ("type", _enum(TYPES), "Only documents of this type."),
    )
    journal_filters = _query_parameters(
        ("path", STRING, "The endpoint's path, e.g. /cloud-print/create-z-report."),
        ("type", _enum(TYPES), "The document the endpoint makes."),
        ("login", STRING, "The request's login."),
        ("serial", STRING, "The request's target_serial."),
        ("ext_id", STRING, "The request's ext_id."),
        ("since", MOMENT, "Received at or after (ISO 8601; UTC without an offset)."),
        ("until", MOMENT, "Received at or before (ISO 8601; UTC without an offset)."),
    )
    return {
        "/_mock/accounts": {
            "get": _op(
                "listAccounts",
                "Companies, logins, trade points and printers",
                "Every account, the demo ones first, with apikeys and logins to use.",
                responses={"200": _json(_array("Account"))},
            )
        },
        "/_mock/companies/{company_id}": {
            "patch": _op(
                "patchCompany",
                "Switch a company's cloud printing (off: 6080)",
                "A company whose cloud printing is off answers every request with 6080.",
                parameters=[_path_parameter("company_id", 1, INTEGER)],
                requestBody=_patch_body(_ref("CompanyPatch")),
                responses={
                    "200": _json(_obj({"id": INTEGER, "cloud_print_enabled": BOOLEAN})),
                    "400": BAD_REQUEST,
                    "404": _control_error("No such company."),
                },
            )
        },
        "/_mock/logins/{login}": {
            "patch": _op(
                "patchLogin",
                "Block or unblock a login (blocked: 6095)",
                "A blocked login is answered 6095 (access denied).",
                parameters=[_path_parameter("login", DEMO.admin_login)],
                requestBody=_patch_body(_ref("LoginPatch")),
                responses={
                    "200": _json(_obj({"login": STRING, "blocked": BOOLEAN})),
                    "400": BAD_REQUEST,
                    "404": _control_error("No such login."),
                },
            )
        },
        "/_mock/printers": {
            "get": _op(
                "listPrinters",
                "Every printer with its state and shift",
                "Printers of every company, in the order they were made.",
                responses={"200": _json(_array("Printer"))},
            )
        },
        "/_mock/printers/{serial}": {
            "get": _op(
                "getPrinter",
                "One printer",
                "Its state (connection), error message and shift.",
                parameters=[serial],
                responses={
                    "200": _json(_ref("Printer")),
                    "404": _control_error("No such printer."),
                },
            ),
            "patch": _op(
                "patchPrinter",
                "State, error message, and the shift (open, close, its age)",
                "Opens and closes a shift as a cashier would at the till (no document, no "
                "callback) and sets how old it is. All or nothing.",
                parameters=[serial],
                requestBody=_patch_body(_ref("PrinterPatch")),
                responses={
                    "200": _json(_ref("Printer")),
                    "400": BAD_REQUEST,
                    "409": _control_error(
                        "The patch sets an opening time on a closed shift without opening it; "
                        "nothing changed."
                    ),
                    "404": _control_error("No such printer."),
                },
            ),
        },
        "/_mock/documents": {
            "get": _op(
                "listDocuments",
                "Documents, oldest first, filtered",
                "Every document kept (see max_documents), filtered by the query; a status or "
                "type that does not exist is a 400.",
                parameters=document_filters,
                responses={
                    "200": _json(_array("Document")),
                    "400": _control_error("A filter's value is not one of its choices."),
                },
            )
        },
        "/_mock/documents/{uuid}": {
            "get": _op(
                "getDocument",
                "One document: history, callback tries, printed report",
                "A status look-up LifePay does not offer: the mock's own.",
                parameters=[_path_parameter("uuid", UUID_EXAMPLE)],
                responses={
                    "200": _json(_ref("Document")),
                    "404": _control_error("No such document (or forgotten past the cap)."),
                },
            )
        },
        "/_mock/journal": {
            "get": _op(
                "getJournal",
                "The last 1000 requests to LifePay's endpoints, filtered",
                "Oldest first: body, answer, fault and duration of each; the filters select "
                "(as WireMock's verify) and combine.",
                parameters=journal_filters,
                responses={
                    "200": _json(_array("JournalEntry")),
                    "400": BAD_FILTER,
                },
            ),
            "delete": _op(
                "clearJournal",
                "Empty the journal",
                "Forget every request recorded so far.",
                responses={"204": NO_CONTENT},
            ),
        },
        "/_mock/journal/count": {
            "get": _op(
                "countJournal",
                "How many requests match the filters",
                "The number of journal entries the same filters as GET /_mock/journal select.",
                parameters=journal_filters,
                responses={
                    "200": _json(_obj({"count": {"type": "integer", "minimum": 0}})),
                    "400": BAD_FILTER,
                },
            )
        },
        "/_mock/faults": {
            "get": _op(
                "listFaults",
                "Faults waiting for the next requests",
                "In the order they apply, each with the fields of its kind.",
                responses={"200": _json(_array("PendingFault"))},
            ),
            "post": _op(
                "addFaults",
                "Add one fault or a list, applied in order",
                "Each applies to the next `times` requests to LifePay's endpoints. All or nothing.",
                requestBody=_patch_body(
                    {"oneOf": [_ref("Fault"), _array("Fault") | {"minItems": 1}]}
                ),
                responses={
                    "201": _json(_array("PendingFault"), "Every pending fault."),
                    "400": BAD_REQUEST,
                },
            ),
            "delete": _op(
                "clearFaults",
                "Drop every fault",
                "No fault waits any more.",
                responses={"204": NO_CONTENT},
            ),
        },
        "/_mock/settings": {
            "get": _op(
                "getSettings",
                "Timing and callback settings",
                "The settings in force (callback_status_words as the object).",
                responses={"200": _json(_ref("Settings"))},
            ),
            "patch": _op(
                "patchSettings",
                "Change settings (all or nothing)",
                "Any of the settings, each within its bounds.",
                requestBody=_patch_body(_ref("SettingsPatch")),
                responses={"200": _json(_ref("Settings")), "400": BAD_REQUEST},
            ),
        },
        "/_mock/reset": {
            "post": _op(
                "reset",
                "Back to the start: accounts, printers, settings; no documents",
                "Forgets documents, faults and the journal; accounts, printers and settings "
                "are as at the start. Document uuids stay new: none is handed out twice.",
                responses={"204": NO_CONTENT},
            )
        },
        "/_mock/openapi.json": {
            "get": _op(
                "getOpenapi",
                "This document",
                "The OpenAPI 3.1 document, with this mock's address in `servers`.",
                responses={"200": _json({"type": "object"})},
            )
        },
        "/_mock/events": {
            "get": _op(
                "streamEvents",
                "Server-sent events: a `state` event whenever the mock changes",
                "A `state` event at once and after every change (at most five a second), its "
                "`data` the JSON of what the console shows; a keep-alive comment every 15 s. "
                "The stream does not end.",
                responses={
                    "200": {
                        "description": "An endless event stream.",
                        "content": {"text/event-stream": {"schema": _ref("StateEvent")}},
                    }
                },
            )
        },
        "/": {
            "get": _op(
                "getConsole",
                "The live console",
                "One HTML page that follows /_mock/events and drives the control API.",
                tags=["Pages"],
                responses={"200": _text("The console page.", "text/html")},
            )
        },
        "/reports/{uuid}": {
            "get": _op(
                "getReport",
                "A printed report as on the paper tape",
                "An X-report, a shift opening or a Z-report as the printer printed it.",
                tags=["Pages"],
                parameters=[_path_parameter("uuid", UUID_EXAMPLE)],
                responses={
                    "200": _text("The report.", "text/html"),
                    "404": _text("No printed report for this document."),
                },
            )
        },
    }


def _webhooks() -> dict[str, Schema]:
    as_text = {
        "type": "string",
        "contentMediaType": "application/json",
        "contentSchema": _ref("Notification"),
        "description": "The notification as JSON text.",
    }
    return {
        "documentStatus": {
            "post": {
                "operationId": "documentStatus",
                "summary": "A document's status changed (sent to its callback_url)",
                "description": (
                    "Sent on processed, awaiting_retry and error; retried on anything but "
                    "HTTP 200 after each of callback_retry_delays. No signature: put a secret "
                    "in callback_data or the URL. The encoding is callback_encoding."
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": _obj({"data": as_text}),
                            "encoding": {"data": {"contentType": "application/json"}},
                        },
                        "application/x-www-form-urlencoded": {"schema": _obj({"data": as_text})},
                        "application/json": {"schema": _obj({"data": _ref("Notification")})},
                    },
                },
                "responses": {"200": {"description": "Delivered; anything else is retried."}},
            }
        }
    }


def build_spec(server_url: str | None = None) -> dict[str, Any]:
    """The whole document; ``server_url`` (the mock's own address) goes into ``servers``."""
    paths: dict[str, Schema] = {path: _lifepay_operation(path) for path in LIFEPAY_PATHS}
    paths |= _control_paths()
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "LifePay cloud print (mock_lifepay)",
            "version": "1.0.0",
            "summary": "LifePay's cloud-print endpoints as the mock serves them, and its own "
            "control API.",
            "license": {"name": "MIT", "identifier": "MIT"},
            "contact": {"name": "Issues", "url": f"{REPOSITORY}/issues"},
            "description": (
                "See docs/mock-server.md for what is LifePay's documented behaviour, what is "
                "public evidence and what is the mock's assumption. Everything under /_mock/ "
                "and the pages are the mock's own."
            ),
        },
        "tags": [
            {
                "name": "LifePay",
                "description": "What sapi.life-pay.ru serves (as the mock has it).",
            },
            {
                "name": CONTROL_TAG,
                "description": "Everything under /_mock/: set the mock up and look inside it.",
            },
            {"name": "Pages", "description": "Pages for people: the console, printed reports."},
        ],
        # No HTTP-level security: LifePay reads apikey and login from the body, and the mock's
        # own control API is open (it binds to loopback by default).
        "security": [],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {
            "schemas": _request_schemas() | _answer_schemas() | _model_schemas(),
        },
    }
    if server_url is not None:
        spec["servers"] = [{"url": server_url, "description": "this mock"}]
    return spec
