"""Ids are for ever: reconfiguring an account or a serial keeps devices and entity ids; old
installs are migrated in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay import async_remove_config_entry_device
from custom_components.lifepay.const import CONF_LOGIN, CONF_SERIAL, DOMAIN, SUBENTRY_PRINTER

from .conftest import press, printer_id_of, printer_subentry, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


def snapshot(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """What a person's dashboards and automations depend on."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return {
        "devices": sorted(device.id for device in devices),
        "entities": sorted((entity.entity_id, entity.device_id) for entity in entities),
    }


async def test_changing_the_account_and_a_serial_keeps_every_device_and_entity(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    before = snapshot(hass, loaded_entry)
    assert len(before["devices"]) == 3  # the account and two printers

    # The warehouse printer is retired: the till gets that register's serial.
    warehouse = printer_id_of(loaded_entry, demo.printers[1])
    hass.config_entries.async_remove_subentry(loaded_entry, warehouse)
    await hass.async_block_till_done()
    till = printer_id_of(loaded_entry, demo.printers[0])
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_PRINTER),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": till},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: demo.printers[1], CONF_NAME: "Till 1"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    # The account gets a name and its API address a trailing slash (the login is the account's
    # own and cannot change).
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Ленина 5",
            CONF_API_KEY: demo.apikey,
            CONF_LOGIN: demo.admin_login,
            "advanced": {CONF_URL: lifepay_mock.url + "/"},
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    after = snapshot(hass, loaded_entry)
    till_device = dr.async_get(hass).async_get_device({(DOMAIN, till)})
    assert till_device is not None
    assert till_device.serial_number == demo.printers[1]
    kept = [pair for pair in before["entities"] if "till_1" in pair[0]]
    assert kept == after["entities"]  # same entity ids, same device
    assert set(after["devices"]) < set(before["devices"])  # only the removed printer went
    for entity_id, _ in after["entities"]:
        state = hass.states.get(entity_id)
        assert state is None or state.state != STATE_UNAVAILABLE  # None: disabled by default
    assert not [state for state in hass.states.async_all() if state.entity_id.endswith("_2")]

    # And it prints on the new serial.
    await press(hass)
    await settle(hass, lifepay_mock)
    assert hass.states.get("sensor.till_1_x_report_status").state == "processed"
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert (document.login, document.printer_serial) == (demo.admin_login, demo.printers[1])


async def test_an_install_with_login_based_ids_is_migrated_in_place(
    hass: HomeAssistant,
    lifepay_mock: MockHandle,
    entry_data: dict[str, Any],
    ha_url: str,
) -> None:
    """Version 1.1 built ids from the login and the serial; 1.2 moves them, keeping entity ids."""
    demo = lifepay_mock.demo
    login = demo.admin_login
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"LifePay {login}",
        unique_id=login,
        data=entry_data,
        version=1,
        minor_version=1,
        subentries_data=[
            printer_subentry(demo.printers[0], "Till 1"),
            printer_subentry(None, "Any printer"),
        ],
    )
    entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    account = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, login)}, name=f"LifePay {login}"
    )
    old_devices = {}
    for serial, key in ((demo.printers[0], demo.printers[0]), (None, "any")):
        subentry_id = next(s.subentry_id for s in entry.subentries.values() if s.unique_id == key)
        device = devices.async_get_or_create(
            config_entry_id=entry.entry_id,
            config_subentry_id=subentry_id,
            identifiers={(DOMAIN, f"{login}_{key}")},
            serial_number=serial,
            via_device=(DOMAIN, login),
        )
        old_devices[subentry_id] = device.id
        for platform, suffix in (
            ("button", "print_x_report"),
            ("sensor", "x_report_status"),
            ("sensor", "last_x_report"),
        ):
            entities.async_get_or_create(
                platform,
                DOMAIN,
                f"{login}_{key}_{suffix}",
                config_entry=entry,
                config_subentry_id=subentry_id,
                device_id=device.id,
                suggested_object_id=f"shop_{key}_{suffix}",  # a name a person got used to
            )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.minor_version == 2
    assert devices.async_get_device({(DOMAIN, entry.entry_id)}).id == account.id
    for subentry_id, device_id in old_devices.items():
        assert devices.async_get_device({(DOMAIN, subentry_id)}).id == device_id
    migrated = [
        entity
        for entity in er.async_entries_for_config_entry(entities, entry.entry_id)
        if entity.entity_id.startswith(f"{entity.domain}.shop_")
    ]
    assert len(migrated) == 6  # the old entities, each kept under its old entity id
    for entity in migrated:
        assert entity.unique_id.split("_", 1)[0] in old_devices
        assert hass.states.get(entity.entity_id).state != STATE_UNAVAILABLE
    # This version's new entities (shift buttons and sensors) joined the same devices.
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        assert entity.device_id in old_devices.values()
    assert len(dr.async_entries_for_config_entry(devices, entry.entry_id)) == 3


async def test_only_a_leftover_device_can_be_deleted(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The hook behind a device page's Delete: left-overs of old ids go, current devices stay."""
    devices = dr.async_get(hass)
    leftover = devices.async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "79990000001_0001")}
    )
    printer = devices.async_get_device({(DOMAIN, next(iter(loaded_entry.subentries)))})
    account = devices.async_get_device({(DOMAIN, loaded_entry.entry_id)})
    assert printer is not None
    assert account is not None
    assert await async_remove_config_entry_device(hass, loaded_entry, leftover)
    assert not await async_remove_config_entry_device(hass, loaded_entry, printer)
    assert not await async_remove_config_entry_device(hass, loaded_entry, account)
