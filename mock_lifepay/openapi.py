"""The mock's OpenAPI 3.1 document: LifePay's endpoints, the callback webhook, the control API.

Built as data, served at ``/_mock/openapi.json``. The test suite validates it with a real
validator and checks every answer the tests receive from the mock against it, so it cannot drift
from the code. Schemas of the mock's own objects forbid unknown properties for that reason.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from . import messages as msg
from .backend import (
    CALLBACK_URL_MAX_LENGTH,
    CASHIER_INN_LENGTH,
    CASHIER_NAME_MAX_LENGTH,
    EXT_ID_MAX_LENGTH,
)
from .faults import FaultKind
from .models import REPORT_TOTALS, DocumentStatus, DocumentType, PrinterState
from .seed import DEMO
from .settings import NOTIFIED_STATUSES, CallbackEncoding

Schema = dict[str, Any]

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
                "oneOf": [STRING, {"type": "object"}, {"type": "array"}, {"type": "null"}],
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
    return {"XReportRequest": x_report, "ShiftRequest": shift}


def _answer_schemas() -> dict[str, Schema]:
    field_errors = {
        "type": "object",
        "additionalProperties": {"type": "array", "items": STRING, "minItems": 1},
    }
    empty = {"type": "array", "maxItems": 0}
    return {
        "Answer": {
            "description": "LifePay's envelope; always HTTP 200, Content-Type exactly "
            "`application/json; charset=UTF-8`.",
            "oneOf": [
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
            "type": _enum(TYPES),
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
            "report": _nullable(_ref("Report")),
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
        }
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
    fault = _obj(
        {
            "kind": _enum([kind.value for kind in FaultKind]),
            "times": {"type": "integer", "minimum": 1, "default": 1},
            "status": {"type": "integer", "minimum": 100, "default": 503},
            "seconds": {"type": "number", "minimum": 0, "default": 0},
            "code": {"type": "integer", "minimum": 1, "default": msg.INTERNAL_ERROR},
            "process": _nullable(BOOLEAN),
            "body": STRING,
        },
        required=["kind"],
    )
    fault["properties"]["seconds"]["description"] = (
        "delay: how late the answer comes; split: the pause between the two pieces of the real "
        "answer's body (0.05 s when 0)."
    )
    settings = _obj(
        {
            "processing_delay": {"type": "number", "minimum": 0},
            "callback_encoding": _enum([e.value for e in CallbackEncoding]),
            "callback_status_words": {
                "description": "In a patch: a preset (document, payment) or an object; shown "
                "as the object.",
                "oneOf": [
                    _enum(["document", "payment"]),
                    {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
                ],
            },
            "callback_retry_delays": {"type": "array", "items": {"type": "number", "minimum": 0}},
            "callback_timeout": {"type": "number", "minimum": 0},
            "max_documents": {"type": "integer", "minimum": 0},
        }
    )
    printer_patch = _obj(
        {
            "state": _enum([s.value for s in PrinterState]),
            "error_message": _nullable(STRING),
            "shift": _enum(["open", "closed"]),
            "shift_opened_at": {
                "type": "string",
                "description": "ISO 8601; UTC when it has no offset.",
            },
            "shift_age_hours": {"type": "number", "minimum": 0},
        },
        required=[],
    )
    printer_patch["minProperties"] = 1
    return {
        "Shift": shift,
        "Printer": printer,
        "PrinterPatch": printer_patch,
        "Account": account,
        "Report": report,
        "CallbackAttempt": attempt,
        "Document": document,
        "Notification": notification,
        "JournalEntry": journal_entry,
        "Fault": fault,
        "Settings": settings,
        "ControlError": _obj({"error": STRING}),
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
BAD_REQUEST: Final = _control_error("The patch is not valid; nothing changed.")


def _path_parameter(name: str, schema: Schema = STRING) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _lifepay_operation(path: str) -> Schema:
    kind, summary, description = LIFEPAY_PATHS[path]
    request = "XReportRequest" if kind is DocumentType.X_REPORT else "ShiftRequest"
    return {
        "post": {
            "tags": ["LifePay"],
            "operationId": path.rsplit("/", 1)[1].replace("-", "_"),
            "summary": summary,
            "description": f"{description} Makes a `{kind.value}` document.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(request)}},
            },
            "responses": {
                "200": {
                    "description": "Every answer: success and errors alike, told by `code`.",
                    "content": {
                        "application/json": {
                            "schema": _ref("Answer"),
                            "examples": _answer_examples(),
                        }
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


def _control_paths() -> dict[str, Schema]:
    tag = ["Control API (the mock's own)"]
    serial = _path_parameter("serial")
    return {
        "/_mock/accounts": {
            "get": {
                "tags": tag,
                "summary": "Companies, logins, trade points and printers",
                "responses": {"200": _json(_array("Account"))},
            }
        },
        "/_mock/companies/{company_id}": {
            "patch": {
                "tags": tag,
                "summary": "Switch a company's cloud printing (off: 6080)",
                "parameters": [_path_parameter("company_id")],
                "requestBody": _patch_body(_obj({"cloud_print_enabled": BOOLEAN})),
                "responses": {
                    "200": _json(_obj({"id": INTEGER, "cloud_print_enabled": BOOLEAN})),
                    "400": BAD_REQUEST,
                    "404": _control_error("No such company."),
                },
            }
        },
        "/_mock/logins/{login}": {
            "patch": {
                "tags": tag,
                "summary": "Block or unblock a login (blocked: 6095)",
                "parameters": [_path_parameter("login")],
                "requestBody": _patch_body(_obj({"blocked": BOOLEAN})),
                "responses": {
                    "200": _json(_obj({"login": STRING, "blocked": BOOLEAN})),
                    "400": BAD_REQUEST,
                    "404": _control_error("No such login."),
                },
            }
        },
        "/_mock/printers": {
            "get": {
                "tags": tag,
                "summary": "Every printer with its state and shift",
                "responses": {"200": _json(_array("Printer"))},
            }
        },
        "/_mock/printers/{serial}": {
            "get": {
                "tags": tag,
                "summary": "One printer",
                "parameters": [serial],
                "responses": {
                    "200": _json(_ref("Printer")),
                    "404": _control_error("No such printer."),
                },
            },
            "patch": {
                "tags": tag,
                "summary": "State, error message, and the shift (open, close, its age)",
                "parameters": [serial],
                "requestBody": _patch_body(_ref("PrinterPatch")),
                "responses": {
                    "200": _json(_ref("Printer")),
                    "400": BAD_REQUEST,
                    "404": _control_error("No such printer."),
                },
            },
        },
        "/_mock/documents": {
            "get": {
                "tags": tag,
                "summary": "Documents, oldest first, filtered",
                "parameters": [
                    {"name": name, "in": "query", "required": False, "schema": schema}
                    for name, schema in (
                        ("ext_id", STRING),
                        ("serial", STRING),
                        ("status", _enum(STATUSES)),
                        ("type", _enum(TYPES)),
                    )
                ],
                "responses": {"200": _json(_array("Document"))},
            }
        },
        "/_mock/documents/{uuid}": {
            "get": {
                "tags": tag,
                "summary": "One document: history, callback tries, printed report",
                "parameters": [_path_parameter("uuid")],
                "responses": {
                    "200": _json(_ref("Document")),
                    "404": _control_error("No such document (or forgotten past the cap)."),
                },
            }
        },
        "/_mock/journal": {
            "get": {
                "tags": tag,
                "summary": "The last 1000 requests to LifePay's endpoints",
                "responses": {"200": _json(_array("JournalEntry"))},
            },
            "delete": {
                "tags": tag,
                "summary": "Empty the journal",
                "responses": {"204": NO_CONTENT},
            },
        },
        "/_mock/faults": {
            "get": {
                "tags": tag,
                "summary": "Faults waiting for the next requests",
                "responses": {"200": _json(_array("Fault"))},
            },
            "post": {
                "tags": tag,
                "summary": "Add one fault or a list, applied in order",
                "requestBody": _patch_body({"oneOf": [_ref("Fault"), _array("Fault")]}),
                "responses": {
                    "201": _json(_array("Fault"), "Every pending fault."),
                    "400": BAD_REQUEST,
                },
            },
            "delete": {
                "tags": tag,
                "summary": "Drop every fault",
                "responses": {"204": NO_CONTENT},
            },
        },
        "/_mock/settings": {
            "get": {
                "tags": tag,
                "summary": "Timing and callback settings",
                "responses": {"200": _json(_ref("Settings"))},
            },
            "patch": {
                "tags": tag,
                "summary": "Change settings (all or nothing)",
                "requestBody": _patch_body(_ref("Settings") | {"required": []}),
                "responses": {"200": _json(_ref("Settings")), "400": BAD_REQUEST},
            },
        },
        "/_mock/reset": {
            "post": {
                "tags": tag,
                "summary": "Back to the start: accounts, printers, settings; no documents",
                "responses": {"204": NO_CONTENT},
            }
        },
        "/_mock/openapi.json": {
            "get": {
                "tags": tag,
                "summary": "This document",
                "responses": {"200": _json({"type": "object"})},
            }
        },
        "/_mock/events": {
            "get": {
                "tags": tag,
                "summary": "Server-sent events: a `change` event whenever the mock's state changes",
                "responses": {"200": _text("An event stream.", "text/event-stream")},
            }
        },
        "/": {
            "get": {
                "tags": ["Pages"],
                "summary": "The live console",
                "responses": {"200": _text("The console page.", "text/html")},
            }
        },
        "/reports/{uuid}": {
            "get": {
                "tags": ["Pages"],
                "summary": "A printed report as on the paper tape",
                "parameters": [_path_parameter("uuid")],
                "responses": {
                    "200": _text("The report.", "text/html"),
                    "404": _text("No printed report for this document."),
                },
            }
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
            {"name": "Control API (the mock's own)"},
            {"name": "Pages"},
        ],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {
            "schemas": _request_schemas() | _answer_schemas() | _model_schemas(),
        },
    }
    if server_url is not None:
        spec["servers"] = [{"url": server_url, "description": "this mock"}]
    return spec
