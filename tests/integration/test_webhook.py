"""Callbacks reaching the webhook: genuine ones in every encoding, and everything else."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp
import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.api.callback import MAX_CALLBACK_BYTES
from mock_lifepay import CallbackEncoding

from .conftest import WEBHOOK_ID, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

STATUS = "sensor.till_1_x_report_status"


async def accepted_job(hass: HomeAssistant, lifepay_mock: MockHandle) -> dict[str, Any]:
    """Print with the printer slow, so the job waits at accepted; return its document."""
    lifepay_mock.mock.settings.processing_delay = 3600
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.till_1_print_x_report"}, blocking=True
    )
    (document,) = lifepay_mock.mock.backend.documents.values()
    return {
        "uuid": document.uuid,
        "ext_id": document.ext_id,
        "type": "x_report",
        "status": "processed",
        "message": "Документ обработан.",
        "callback_data": document.callback_data,
    }


async def post(ha_url: str, body: bytes, content_type: str = "application/json") -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{ha_url}/api/webhook/{WEBHOOK_ID}", data=body, headers={"Content-Type": content_type}
        ) as response,
    ):
        return response.status, await response.text()


# until the webhook reads multipart (issue 9, main branch): list(CallbackEncoding) again
@pytest.mark.parametrize("encoding", [CallbackEncoding.FORM, CallbackEncoding.JSON])
async def test_mock_callbacks_in_both_encodings(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    encoding: CallbackEncoding,
) -> None:
    lifepay_mock.mock.settings.callback_encoding = encoding
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.till_1_print_x_report"}, blocking=True
    )
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"


async def test_flat_json_callback(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    status, _ = await post(ha_url, json.dumps(document).encode())
    assert status == 200
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"


def forged(document: dict[str, Any]) -> dict[str, Any]:
    return document | {"callback_data": {"token": "guess", "data": None}}


@pytest.mark.parametrize(
    ("make_body", "content_type", "expected"),
    [
        (lambda d: json.dumps(forged(d)).encode(), "application/json", 403),
        (lambda d: json.dumps(d | {"callback_data": None}).encode(), "application/json", 403),
        (lambda d: json.dumps(d | {"callback_data": "text"}).encode(), "application/json", 403),
        (
            lambda d: json.dumps(
                d | {"uuid": "00000000-0000-4000-8000-000000000000", "ext_id": None}
            ).encode(),
            "application/json",
            404,
        ),
        (
            lambda d: json.dumps(d | {"uuid": None, "ext_id": "someone-else"}).encode(),
            "application/json",
            404,
        ),
        (
            # The right secret and ext_id, but another document's uuid.
            lambda d: json.dumps(d | {"uuid": None}).encode(),
            "application/json",
            "ok-by-ext-id",
        ),
        (lambda d: b"{broken", "application/json", 400),
        (lambda d: json.dumps(d | {"status": "printed"}).encode(), "application/json", 400),
        (lambda d: urlencode({"nodata": "1"}).encode(), "application/x-www-form-urlencoded", 400),
        (lambda d: json.dumps(d).encode(), "text/plain", 400),
        (lambda d: b"x" * (MAX_CALLBACK_BYTES + 1), "application/json", 413),
    ],
)
async def test_untrusted_callbacks_change_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    make_body: Any,
    content_type: str,
    expected: int | str,
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    before = hass.states.get(STATUS)
    status, _ = await post(ha_url, make_body(document), content_type)
    await hass.async_block_till_done()
    if expected == "ok-by-ext-id":
        assert status == 200
        assert hass.states.get(STATUS).state == "processed"
        return
    assert status == expected
    after = hass.states.get(STATUS)
    assert after.state == before.state == "accepted"
    assert after.attributes == before.attributes


async def test_mismatched_uuid_with_right_secret_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    # Known ext_id and secret, but a uuid that is not this job's.
    body = document | {"uuid": "11111111-1111-4111-8111-111111111111"}
    status, _ = await post(ha_url, json.dumps(body).encode())
    assert status == 403
    runtime = loaded_entry.runtime_data
    job = runtime.jobs.jobs[document["ext_id"]]
    # Teach the book another job's uuid: a callback pairing it with this ext_id is forged.
    other, _ = runtime.jobs.new_job(job.printer_id)
    runtime.jobs.accepted(other, "22222222-2222-4222-8222-222222222222")
    body = document | {"uuid": None, "ext_id": other.ext_id}
    status, _ = await post(ha_url, json.dumps(body).encode())
    assert status == 403


async def test_late_callbacks_never_move_a_finished_job_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    for status_value in ("processed", "awaiting_retry", "error"):
        status, _ = await post(ha_url, json.dumps(document | {"status": status_value}).encode())
        assert status == 200
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"


async def test_callback_before_the_answer_is_kept(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """A callback found by ext_id alone learns the uuid; the later answer keeps the status."""
    runtime = loaded_entry.runtime_data
    printer_id = next(iter(runtime.printers))
    job, _ = runtime.jobs.new_job(printer_id)
    body = {
        "ext_id": job.ext_id,
        "uuid": "33333333-3333-4333-8333-333333333333",
        "status": "awaiting_retry",
        "callback_data": job.callback_data(),
    }
    status, _ = await post(ha_url, json.dumps(body).encode())
    assert status == 200
    runtime.jobs.accepted(job, "33333333-3333-4333-8333-333333333333")
    assert job.status.value == "awaiting_retry"
