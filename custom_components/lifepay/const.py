"""Constants of the LifePay integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "lifepay"
LOGGER = logging.getLogger(__package__)

CONF_LOGIN: Final = "login"
CONF_SERIAL: Final = "serial"
CONF_ADVANCED: Final = "advanced"
CONF_GIVE_UP_MINUTES: Final = "give_up_minutes"
CONF_CONFIRM_HOURS: Final = "confirm_hours"
CONF_TAX_SYSTEM: Final = "tax_system"
CONF_DEFAULT_TAX: Final = "default_tax"
CONF_CASHIER_NAME: Final = "cashier_name"
SALE_OPTIONS: Final = (CONF_TAX_SYSTEM, CONF_DEFAULT_TAX, CONF_CASHIER_NAME)
"""The account's defaults for receipts (options): used when a call does not say."""
DEFAULT_GIVE_UP_MINUTES: Final = 120
DEFAULT_CONFIRM_HOURS: Final = 12
"""LifePay's payment notifications are retried for about 5.5 hours; give callbacks twice that."""

SUBENTRY_PRINTER: Final = "printer"
ANY_PRINTER: Final = "any"
"""Unique id of the printer subentry without a serial: LifePay picks an active printer."""

ATTR_TEST: Final = "test"
ATTR_EXT_ID: Final = "ext_id"
ATTR_CALLBACK_DATA: Final = "callback_data"
ATTR_CASHIER_NAME: Final = "cashier_name"
ATTR_CASHIER_INN: Final = "cashier_inn"
SERVICE_PRINT_X_REPORT: Final = "print_x_report"
SERVICE_OPEN_SHIFT: Final = "open_shift"
SERVICE_CLOSE_SHIFT: Final = "close_shift"
SERVICE_PRINT_RECEIPT: Final = "print_receipt"
SERVICE_CASH_IN: Final = "cash_in"
SERVICE_CASH_OUT: Final = "cash_out"
EVENT_CALLBACK: Final = "lifepay_callback"
"""Fired for every authentic callback, as LifePay sent it (status word, unknown fields)."""
EVENT_X_REPORT: Final = "lifepay_x_report"
"""The same as lifepay_callback, for X-reports only: the event of version 0.1."""
EVENT_DOCUMENT: Final = "lifepay_document"
"""Fired whenever a document's status changes, from a callback or from Home Assistant's own
ends (refused, given up, unconfirmed): what device triggers and the logbook read."""

MANUFACTURER: Final = "LifePay"
# Device models are plain strings, as in Home Assistant core: a model names a kind of device, and
# Home Assistant translates no model. The blueprint's printer filter names the two printer models.
MODEL_ACCOUNT: Final = "LifePay account"
MODEL_PRINTER: Final = "Fiscal printer"
MODEL_ANY_PRINTER: Final = "Any active fiscal printer"
