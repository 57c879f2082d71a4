"""The actions: ``lifepay.print_x_report``, ``lifepay.open_shift``, ``lifepay.close_shift``, and
the sale: ``lifepay.print_receipt``, ``lifepay.cash_in``, ``lifepay.cash_out``."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import service
from homeassistant.util.json import JsonValueType

from . import texts
from .api import (
    WHOLE_SUM,
    Cashier,
    DocumentKind,
    LifePayInputError,
    Position,
    Receipt,
    ReceiptKind,
    SendMode,
    Tax,
    TaxSystem,
)
from .api.validation import CASHIER_NAME_MAX_LENGTH, EXT_ID_MAX_LENGTH, INN_LENGTH, check_money
from .const import (
    ATTR_CALLBACK_DATA,
    ATTR_CASHIER_INN,
    ATTR_CASHIER_NAME,
    ATTR_EXT_ID,
    ATTR_TEST,
    CONF_CASHIER_NAME,
    CONF_DEFAULT_TAX,
    CONF_TAX_SYSTEM,
    DOMAIN,
    SERVICE_CASH_IN,
    SERVICE_CASH_OUT,
    SERVICE_CLOSE_SHIFT,
    SERVICE_OPEN_SHIFT,
    SERVICE_PRINT_RECEIPT,
    SERVICE_PRINT_X_REPORT,
)
from .jobs import ALREADY_UNDER_WAY
from .sales import SaleKind, receipt_as_dict, sale_total

# Home Assistant 2025.7 and newer; the service helper is deprecated there. Imported with the
# integration (outside the event loop), never while an action runs.
target: ModuleType | None
try:
    target = importlib.import_module("homeassistant.helpers.target")
except ImportError:  # Home Assistant 2025.4 to 2025.6
    target = None

if TYPE_CHECKING:
    from .account import LifePayAccount, Printer, Sent


def _selected(hass: HomeAssistant, call: ServiceCall) -> Any:
    """The entities and devices a call targets, by whichever helper this version has."""
    if target is None:  # Home Assistant 2025.4 to 2025.6
        return service.async_extract_referenced_entity_ids(hass, call)
    return target.async_extract_referenced_entity_ids(hass, target.TargetSelection(call.data))


# Lengths and shapes are checked in the handler, so that a person reads a sentence about
# their input instead of the schema library's wording.
BASE_SCHEMA = {
    **cv.ENTITY_SERVICE_FIELDS,
    vol.Optional(ATTR_TEST, default=False): cv.boolean,
    vol.Optional(ATTR_EXT_ID): cv.string,
    vol.Optional(ATTR_CALLBACK_DATA): vol.Any(dict, list, cv.string),
}
SHIFT_SCHEMA = {
    **BASE_SCHEMA,
    vol.Optional(ATTR_CASHIER_NAME): cv.string,
    vol.Optional(ATTR_CASHIER_INN): cv.string,
}
ACTIONS = {
    SERVICE_PRINT_X_REPORT: (DocumentKind.X_REPORT, vol.Schema(BASE_SCHEMA)),
    SERVICE_OPEN_SHIFT: (DocumentKind.OPEN_SHIFT, vol.Schema(SHIFT_SCHEMA)),
    SERVICE_CLOSE_SHIFT: (DocumentKind.Z_REPORT, vol.Schema(SHIFT_SCHEMA)),
}


# The sale's values are checked where the receipt is made (api/sale.py), so that every bad
# value is a sentence naming its field; the schema only gives the call its shape.
POSITION_FIELDS = (
    "name",
    "price",
    "quantity",
    "tax",
    "unit",
    "item_type",
    "payment_method",
    "discount_percent",
    "discount_amount",
)
RECEIPT_KINDS = {
    "sale": ReceiptKind.PAYMENT,
    "refund": ReceiptKind.REFUND,
    "purchase": ReceiptKind.BUY,
    "purchase_refund": ReceiptKind.BUY_REFUND,
}
CARD_ALL = frozenset({"all", "всё", "все"})
"""``card_amount`` for the whole sum, as a person writes it in either language."""
RECEIPT_SCHEMA = vol.Schema(
    {
        **BASE_SCHEMA,
        vol.Required("positions"): vol.All(
            cv.ensure_list, [vol.Schema({vol.Optional(key): object for key in POSITION_FIELDS})]
        ),
        vol.Optional("kind", default="sale"): cv.string,
        vol.Optional("card_amount"): vol.Any(str, int, float),
        vol.Optional("customer_email"): cv.string,
        vol.Optional("customer_phone"): cv.string,
        vol.Optional("send_mode", default="print"): cv.string,
        vol.Optional("tax_system"): cv.string,
        vol.Optional(ATTR_CASHIER_NAME): cv.string,
    }
)
CASH_SCHEMA = vol.Schema({**BASE_SCHEMA, vol.Required("amount"): vol.Any(str, int, float)})
SALE_ACTIONS = {
    SERVICE_CASH_IN: SaleKind.CASH_IN,
    SERVICE_CASH_OUT: SaleKind.CASH_OUT,
}
_ALLOWED = {
    "tax": ", ".join(tax.value for tax in Tax),
    "kind": ", ".join(RECEIPT_KINDS),
    "mode": ", ".join(mode.value for mode in SendMode),
    "tax_system": ", ".join(system.value for system in TaxSystem),
}
"""The values a field takes, for the sentence about a value it does not."""
# Fields whose bad value has a sentence of its own (exceptions.invalid_<field>); the positions'
# sentences name the position too.
SALE_FIELDS = frozenset(
    {
        *POSITION_FIELDS,
        "positions",
        "kind",
        "mode",
        "customer_email",
        "customer_phone",
        "card_amount",
        "tax_system",
        "cashier_name",
        "amount",
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    for action, (kind, schema) in ACTIONS.items():
        hass.services.async_register(
            DOMAIN,
            action,
            partial(_async_send, kind),
            schema=schema,
            supports_response=SupportsResponse.OPTIONAL,
        )
    hass.services.async_register(
        DOMAIN,
        SERVICE_PRINT_RECEIPT,
        _async_print_receipt,
        schema=RECEIPT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    for action, sale_kind in SALE_ACTIONS.items():
        hass.services.async_register(
            DOMAIN,
            action,
            partial(_async_cash, sale_kind),
            schema=CASH_SCHEMA,
            supports_response=SupportsResponse.OPTIONAL,
        )


def _targeted_printers(
    hass: HomeAssistant, call: ServiceCall
) -> list[tuple[LifePayAccount, Printer, str]]:
    """The printers a call targets (devices, or their buttons), with their device ids."""
    selected = _selected(hass, call)
    device_registry = dr.async_get(hass)
    entity_registry = er.async_get(hass)
    device_ids: set[str] = set(selected.referenced_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entity = entity_registry.async_get(entity_id)
        if entity and entity.platform == DOMAIN and entity.domain == Platform.BUTTON:
            if entity.device_id:
                device_ids.add(entity.device_id)
        elif entity_id in selected.referenced:
            raise _invalid_target(entity_id)

    by_identifier = _printers_by_identifier(hass)
    targets: list[tuple[LifePayAccount, Printer, str]] = []
    for device_id in sorted(device_ids):
        device = device_registry.async_get(device_id)
        found = None
        for domain, identifier in device.identifiers if device else ():
            if domain == DOMAIN and identifier in by_identifier:
                found = by_identifier[identifier]
        if found is not None:
            targets.append((*found, device_id))
        elif device_id in call.data.get("device_id", ()):
            raise _invalid_target(device.name if device else device_id)
    if not targets:
        raise ServiceValidationError(
            "No LifePay printer was targeted",
            translation_domain=DOMAIN,
            translation_key="no_printer_targeted",
        )
    return targets


def _printers_by_identifier(hass: HomeAssistant) -> dict[str, tuple[LifePayAccount, Printer]]:
    """Every printer of every loaded account, by its device identifier."""
    printers: dict[str, tuple[LifePayAccount, Printer]] = {}
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        account: LifePayAccount = entry.runtime_data
        for printer in account.printers.values():
            printers[printer.subentry_id] = (account, printer)
    return printers


def _invalid_target(name: str | None) -> ServiceValidationError:
    return ServiceValidationError(
        f"{name} is not a LifePay printer",
        translation_domain=DOMAIN,
        translation_key="not_a_printer",
        translation_placeholders={"target": str(name)},
    )


def _checked_input(call: ServiceCall, targets: int) -> tuple[str | None, Cashier | None]:
    """The caller's ext_id and cashier, or a translated error about what is wrong with them."""
    ext_id: str | None = call.data.get(ATTR_EXT_ID) or None
    if ext_id is not None and len(ext_id) > EXT_ID_MAX_LENGTH:
        raise _invalid_input("ext_id_too_long", max=str(EXT_ID_MAX_LENGTH))
    if ext_id is not None and targets > 1:
        # LifePay would answer every printer after the first with the first one's document.
        raise _invalid_input("ext_id_needs_one_printer")
    name: str | None = (call.data.get(ATTR_CASHIER_NAME) or "").strip() or None
    inn: str | None = (call.data.get(ATTR_CASHIER_INN) or "").strip() or None
    if name is not None and len(name) > CASHIER_NAME_MAX_LENGTH:
        raise _invalid_input("cashier_name_too_long", max=str(CASHIER_NAME_MAX_LENGTH))
    if inn is not None and not (len(inn) == INN_LENGTH and inn.isascii() and inn.isdigit()):
        raise _invalid_input("cashier_inn_invalid", inn=inn)
    return ext_id, Cashier(name, inn) if name or inn else None


def _invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        key, translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _message(hass: HomeAssistant, sent: Sent, printer: str) -> str:
    if sent.job is None:
        return texts.check_passed(hass)
    if sent.submission in ALREADY_UNDER_WAY:
        return texts.already_under_way(hass, sent.job, printer)
    return texts.job_message(hass, sent.job)


def _report(
    hass: HomeAssistant,
    sent: Sent,
    printer: Printer,
    device_id: str,
    *,
    document: str,
    ext_id: str | None,
) -> dict[str, JsonValueType]:
    """What became of one printer's request, for the action's response."""
    job = sent.job
    return {
        "device_id": device_id,
        "printer": printer.name,
        "serial": printer.serial,
        "document": document,
        "test": sent.test,
        # check_passed (test mode: LifePay accepted the request, printed nothing), new,
        # repeat (the ext_id was used before), resent (one was still being sent: sent again
        # now) or under_way (LifePay has one that has not printed yet).
        "outcome": "check_passed" if sent.submission is None else sent.submission.value,
        "uuid": job.uuid if job else None,
        "ext_id": job.ext_id if job else ext_id,
        "status": job.status.value if job else None,
        # What the sensor says, for a notification or a voice reply.
        "message": _message(hass, sent, printer.name),
    }


async def _async_send(kind: DocumentKind, call: ServiceCall) -> ServiceResponse:
    """Send a document of ``kind`` to every targeted printer; say what became of each."""
    targets = _targeted_printers(call.hass, call)
    ext_id, cashier = _checked_input(call, len(targets))
    reports: list[JsonValueType] = []
    refusals: list[HomeAssistantError] = []
    for account, printer, device_id in targets:
        try:
            sent = await account.async_send(
                printer,
                kind,
                test=call.data[ATTR_TEST],
                ext_id=ext_id,
                user_data=call.data.get(ATTR_CALLBACK_DATA),
                cashier=cashier,
            )
        except HomeAssistantError as err:
            refusals.append(err)  # the other printers still get theirs
            continue
        reports.append(
            _report(call.hass, sent, printer, device_id, document=kind.value, ext_id=ext_id)
        )
    if refusals:
        # Each refusal is on its printer's sensor and in the log; the caller hears the first.
        raise refusals[0]
    # "reports", as since the first version, for every kind of document.
    return {"reports": reports} if call.return_response else None


# --- the sale ---------------------------------------------------------------------------------


def _number(value: Any) -> Any:
    """A number from an action call as exact text: YAML's ``45.5`` is a float, whose shortest
    form is what was written; text and ints pass as they are (a float never reaches the
    client, which refuses them)."""
    return str(value) if isinstance(value, float) else value


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _bad_sale_input(
    err: LifePayInputError, value: Any, position: int | None = None, total: Decimal | None = None
) -> ServiceValidationError:
    """LifePay's client refused a value: a sentence that names the field in words (Home
    Assistant cannot show an action's error under its field)."""
    placeholders = {"value": _shown(value)}
    if err.field in POSITION_FIELDS and position is not None:
        placeholders["position"] = str(position)
    if err.field == "card_amount":
        placeholders["total"] = _shown(total)
    if (allowed := _ALLOWED.get(str(err.field))) is not None:
        placeholders["allowed"] = allowed
    if err.field in SALE_FIELDS:
        key = f"invalid_{err.field}"
    else:
        key, placeholders = "invalid_sale_input", {"field": str(err.field), "reason": str(err)}
    return ServiceValidationError(
        str(err),
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def _position(number: int, item: dict[str, Any], default_tax: str | None) -> Position:
    item = {**item, "tax": item.get("tax") or default_tax}
    try:
        return Position(
            item.get("name"),  # type: ignore[arg-type]  # checked by Position
            _number(item.get("price")),
            _number(item.get("quantity", 1)),
            item["tax"],
            unit=item.get("unit"),
            item_type=item.get("item_type"),
            payment_method=item.get("payment_method"),
            discount_percent=_number(item.get("discount_percent")),
            discount_amount=_number(item.get("discount_amount")),
        )
    except LifePayInputError as err:
        raise _bad_sale_input(err, item.get(str(err.field)), number) from err


def receipt_of(data: dict[str, Any], defaults: Mapping[str, Any]) -> Receipt:
    """The receipt an action call describes, or a translated error naming the bad field.

    What the call leaves out, the account's options give (``defaults``): the tax system, each
    position's VAT, the cashier."""
    data = {
        **data,
        "tax_system": data.get("tax_system") or defaults.get(CONF_TAX_SYSTEM),
        ATTR_CASHIER_NAME: data.get(ATTR_CASHIER_NAME) or defaults.get(CONF_CASHIER_NAME),
    }
    positions = tuple(
        _position(number, item, defaults.get(CONF_DEFAULT_TAX))
        for number, item in enumerate(data["positions"], start=1)
    )
    card = data.get("card_amount")
    card = WHOLE_SUM if isinstance(card, str) and card.strip().casefold() in CARD_ALL else card
    given = {
        "kind": data["kind"],
        "mode": data["send_mode"],
        "card_amount": card,
        "customer_email": data.get("customer_email"),
        "customer_phone": data.get("customer_phone"),
        "tax_system": data.get("tax_system"),
        "cashier_name": data.get(ATTR_CASHIER_NAME),
        "positions": None,
    }
    try:
        return Receipt(
            positions,
            kind=RECEIPT_KINDS.get(data["kind"], data["kind"]),
            card_amount=_number(card),
            customer_email=data.get("customer_email") or None,
            customer_phone=data.get("customer_phone") or None,
            mode=data["send_mode"],
            tax_system=data.get("tax_system") or None,
            cashier_name=data.get(ATTR_CASHIER_NAME) or None,
        )
    except LifePayInputError as err:
        total = sum((position.total for position in positions), Decimal("0.00"))
        raise _bad_sale_input(err, given.get(str(err.field)), total=total) from err


def _one_printer(call: ServiceCall) -> tuple[LifePayAccount, Printer, str]:
    targets = _targeted_printers(call.hass, call)
    if len(targets) > 1:
        raise _invalid_input("sale_needs_one_printer")
    _checked_input(call, 1)  # the ext_id and the cashier's name, as for every action
    return targets[0]


async def _async_sell(
    call: ServiceCall,
    kind: SaleKind,
    sale: dict[str, Any],
    target: tuple[LifePayAccount, Printer, str],
) -> ServiceResponse:
    """Send one sale document; its response says what became of it."""
    account, printer, device_id = target
    ext_id: str | None = call.data.get(ATTR_EXT_ID) or None
    sent = await account.async_send(
        printer,
        kind,
        test=call.data[ATTR_TEST],
        ext_id=ext_id,
        user_data=call.data.get(ATTR_CALLBACK_DATA),
        sale=sale,
    )
    if not call.return_response:
        return None
    job = sent.job
    return {
        **_report(call.hass, sent, printer, device_id, document=kind.value, ext_id=ext_id),
        "total": sale_total(job.sale if job else sale),
        "ofd_url": job.ofd_url if job else None,
    }


async def _async_print_receipt(call: ServiceCall) -> ServiceResponse:
    """Print (or send) one receipt on one printer."""
    target = _one_printer(call)
    receipt = receipt_of(dict(call.data), target[0].entry.options)
    return await _async_sell(call, SaleKind.RECEIPT, receipt_as_dict(receipt), target)


async def _async_cash(kind: SaleKind, call: ServiceCall) -> ServiceResponse:
    """Put cash into one printer's drawer, or take it out."""
    target = _one_printer(call)
    printer = target[1]
    if printer.serial is None:
        raise _invalid_input("cash_needs_serial", printer=printer.name)
    amount = call.data["amount"]
    try:
        checked = check_money(_number(amount), "amount")
    except LifePayInputError as err:
        raise _bad_sale_input(err, amount) from err
    return await _async_sell(call, kind, {"amount": str(checked)}, target)
