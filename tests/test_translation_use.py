"""Translations hold only what Home Assistant shows through its own mechanisms, and nothing no
flow can show."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

INTEGRATION = Path(__file__).resolve().parents[1] / "custom_components/lifepay"
LANGUAGES = {
    path.stem: json.loads(path.read_text())
    for path in sorted((INTEGRATION / "translations").glob("*.json"))
}


def test_selector_words_belong_to_a_selector() -> None:
    """``selector`` translations are for the selectors of services.yaml and of the flows that
    name them, not a table of words for the integration's own sentences."""
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    named = {
        field["selector"][kind]["translation_key"]
        for service in services.values()
        for field in service.get("fields", {}).values()
        for kind in field.get("selector", {})
        if isinstance(field["selector"][kind], dict)
        and "translation_key" in field["selector"][kind]
    }
    # And the selectors of the config and options flows.
    flows = (INTEGRATION / "config_flow.py").read_text()
    named |= set(re.findall(r'_choice\(\[[^]]*\], "([a-z_]+)"\)', flows))
    for language, tree in LANGUAGES.items():
        assert set(tree.get("selector", {})) <= named, language


def test_the_change_printer_fix_lists_only_errors_it_can_show() -> None:
    """The "access denied" fix checks a serial as the printer dialog does (``already_configured``
    and what ``async_check_printer`` returns, whose account errors come from the config flow's
    ``_error_key``; a 6095 there is ``printer_access_denied``). It names no printer and shows
    no error of the other fixes."""
    can_show = {
        "already_configured",
        "invalid_serial",
        "printer_rejected",
        "printer_access_denied",
        "invalid_auth",
        "cloud_print_disabled",
        "cannot_connect",
        "invalid_url",
        "unknown",
    }
    for language, tree in LANGUAGES.items():
        errors = tree["issues"]["access_denied"]["fix_flow"]["error"]
        assert set(errors) == can_show, language


def test_device_translations_are_device_names() -> None:
    """Home Assistant translates a device's name, never its model: printers' models are plain
    strings (const.py)."""
    for language, tree in LANGUAGES.items():
        assert {"model_printer", "model_any_printer", "model_account"}.isdisjoint(tree["device"]), (
            language
        )
