"""Arbitrary bodies, encodings and headers at the webhook: never a crash, never a state change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp
from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import WEBHOOK_ID

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

STATUS = "sensor.till_1_x_report_status"

documents = st.fixed_dictionaries(
    {},
    optional={
        "uuid": st.none() | st.text(max_size=40) | st.integers(),
        "ext_id": st.none() | st.text(max_size=60) | st.integers(),
        "status": st.sampled_from(["processed", "awaiting_retry", "error", "x", ""]) | st.none(),
        "message": st.text(max_size=40),
        "callback_data": st.none()
        | st.text(max_size=20)
        | st.fixed_dictionaries({"token": st.text(max_size=40)}),
    },
)


def encode(document: dict[str, Any], how: str) -> bytes:
    match how:
        case "form":
            return urlencode({"data": json.dumps(document)}).encode()
        case "wrapped":
            return json.dumps({"data": document}).encode()
        case _:
            return json.dumps(document).encode()


bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(encode, documents, st.sampled_from(["form", "wrapped", "flat"])),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
        "application/json; charset=koi8-r",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=bodies, content_type=content_types)
async def test_forged_callbacks_change_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    body: bytes,
    content_type: str,
) -> None:
    lifepay_mock.mock.settings.processing_delay = 3600
    if not len(loaded_entry.runtime_data.ledger):
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.till_1_print_x_report"}, blocking=True
        )
    before = hass.states.get(STATUS)
    headers = {"Content-Type": content_type} if content_type else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{ha_url}/api/webhook/{WEBHOOK_ID}", data=body, headers=headers) as response,
    ):
        status = response.status
    await hass.async_block_till_done()
    # None of these carries the job's secret: always refused, never a server error.
    assert 400 <= status < 500
    after = hass.states.get(STATUS)
    assert after.state == before.state == "accepted"
    assert after.attributes == before.attributes
