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

SUBENTRY_PRINTER: Final = "printer"
ANY_PRINTER: Final = "any"
"""Unique id of the printer subentry without a serial: LifePay picks an active printer."""

ATTR_TEST: Final = "test"
ATTR_EXT_ID: Final = "ext_id"
ATTR_CALLBACK_DATA: Final = "callback_data"
SERVICE_PRINT_X_REPORT: Final = "print_x_report"
EVENT_X_REPORT: Final = "lifepay_x_report"
"""Fired for every callback LifePay sends about a report Home Assistant requested."""

MANUFACTURER: Final = "LifePay"
