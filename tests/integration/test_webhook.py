"""Callbacks reaching the webhook: genuine ones in every encoding, and everything else."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp
import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.lifepay.api import DocumentKind
from custom_components.lifepay.api.callback import MAX_CALLBACK_BYTES
from custom_components.lifepay.const import EVENT_X_REPORT
from mock_lifepay import CallbackEncoding
from mock_lifepay.models import DocumentStatus

from .conftest import WEBHOOK_ID, jobs_file, press, saved_jobs, settle

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


@pytest.mark.parametrize("words", ["document", "payment"])
@pytest.mark.parametrize("encoding", list(CallbackEncoding))
async def test_mock_callbacks_in_every_encoding_and_word_set(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    encoding: CallbackEncoding,
    words: str,
) -> None:
    """The real mock's callbacks, multipart (LifePay's own sender), form or JSON, either words."""
    settings = lifepay_mock.mock.settings
    settings.update({"callback_encoding": encoding.value, "callback_status_words": words})
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert state.state == "processed"
    assert state.attributes["lifepay_status"] == settings.status_word(DocumentStatus.PROCESSED)

    # And a failure, in the same encoding and words.
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    lifepay_mock.mock.set_printer_error(printer, "Смена не открыта.")
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert (state.state, state.attributes["lifepay_message"], state.attributes["problem"]) == (
        "error",
        "Смена не открыта.",
        "shift_not_open",
    )
    assert state.attributes["lifepay_status"] == settings.status_word(DocumentStatus.ERROR)
    (document, _) = lifepay_mock.mock.backend.documents.values()
    assert [attempt.encoding for attempt in document.callbacks] == [encoding.value]


async def test_mock_sending_a_word_we_do_not_know(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.settings.update({"callback_status_words": {"processed": "printed_ok"}})
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert (state.state, state.attributes["lifepay_status"]) == ("accepted", "printed_ok")
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert [attempt.http_status for attempt in document.callbacks] == [200]  # LifePay stops


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
        (lambda d: urlencode({"nodata": "1"}).encode(), "application/x-www-form-urlencoded", 400),
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
    job = runtime.ledger.get(document["ext_id"])
    # Teach the ledger another job's uuid: a callback pairing it with this ext_id is forged.
    other = runtime.ledger.submit(job.printer_id, DocumentKind.OPEN_SHIFT, dt_util.utcnow()).job
    runtime.ledger.accepted(
        other, "22222222-2222-4222-8222-222222222222", dt_util.utcnow(), callback_expected=True
    )
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
    job = runtime.ledger.submit(printer_id, DocumentKind.X_REPORT, dt_util.utcnow()).job
    body = {
        "ext_id": job.ext_id,
        "uuid": "33333333-3333-4333-8333-333333333333",
        "status": "awaiting_retry",
        "callback_data": job.callback_data(),
    }
    status, _ = await post(ha_url, json.dumps(body).encode())
    assert status == 200
    runtime.ledger.accepted(
        job, "33333333-3333-4333-8333-333333333333", dt_util.utcnow(), callback_expected=True
    )
    assert job.status.value == "awaiting_retry"


async def test_lifepays_own_multipart_shape(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """As GuzzleHttp's multipart option sends it: one field data, a boundary, no charset."""
    document = await accepted_job(hass, lifepay_mock)
    payload = json.dumps(document, ensure_ascii=False).encode()
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="data"\r\n'
        + f"Content-Length: {len(payload)}\r\n\r\n".encode()
        + payload
        + b"\r\n--b0undary--\r\n"
    )
    status, text = await post(ha_url, body, "multipart/form-data; boundary=b0undary")
    assert (status, text) == (200, "OK")
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", ""])
async def test_a_wrong_label_does_not_lose_the_message(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    content_type: str,
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    status, _ = await post(ha_url, json.dumps({"data": document}).encode(), content_type)
    assert status == 200
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"


@pytest.mark.parametrize(("word", "expected"), [("success", "processed"), ("fail", "error")])
async def test_payment_style_status_words(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    word: str,
    expected: str,
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    status, _ = await post(ha_url, json.dumps(document | {"status": word}).encode())
    assert status == 200
    await hass.async_block_till_done()
    state = hass.states.get(STATUS)
    assert state.state == expected
    assert state.attributes["lifepay_status"] == word


async def test_unknown_status_word_is_kept_acknowledged_and_logged_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = async_capture_events(hass, EVENT_X_REPORT)
    document = await accepted_job(hass, lifepay_mock)
    body = document | {"status": "printing", "message": "Печатается", "fn": "9999078900004312"}
    for _ in range(2):
        status, _ = await post(ha_url, json.dumps(body, ensure_ascii=False).encode())
        assert status == 200  # so that LifePay stops sending it
    await hass.async_block_till_done()
    state = hass.states.get(STATUS)
    assert state.state == "accepted"  # the last state we understood
    assert state.attributes["lifepay_status"] == "printing"
    warnings = [
        r for r in caplog.records if r.levelname == "WARNING" and "'printing'" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert [event.data["lifepay_status"] for event in events] == ["printing", "printing"]
    assert events[0].data["status"] == "accepted"
    assert events[0].data["message"] == "Печатается"
    assert events[0].data["extra"] == {"fn": "9999078900004312"}

    # A word we know still applies afterwards.
    status, _ = await post(ha_url, json.dumps(document).encode())
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"


async def test_found_by_its_secret_when_lifepay_names_no_document(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    body = {"status": "processed", "callback_data": document["callback_data"]}
    status, _ = await post(ha_url, json.dumps(body).encode())
    assert status == 200
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"
    # Without the secret, an anonymous callback names nothing of ours.
    status, _ = await post(ha_url, json.dumps({"status": "error"}).encode())
    assert status == 404


async def test_the_callback_is_on_disk_before_lifepay_gets_its_200(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    document = await accepted_job(hass, lifepay_mock)
    status, _ = await post(ha_url, json.dumps(document).encode())
    assert status == 200
    # Read from the disk at once: nothing is written later.
    (saved,) = saved_jobs(hass, loaded_entry)
    assert (saved["ext_id"], saved["status"]) == (document["ext_id"], "processed")
    # The file holds every document's callback secret: Home Assistant's user alone reads it.
    assert stat.S_IMODE(jobs_file(hass, loaded_entry).stat().st_mode) == 0o600


async def test_a_callback_that_cannot_be_saved_is_not_acknowledged(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """The disk really refuses: the file's place is taken by a folder, which no write replaces,
    root's included. No 200, nobody told; LifePay sends it again, and then it sticks."""
    document = await accepted_job(hass, lifepay_mock)
    path = jobs_file(hass, loaded_entry)
    path.unlink()
    path.mkdir()
    status, _ = await post(ha_url, json.dumps(document).encode())
    assert status == 500
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "accepted"  # not told what is not on disk

    path.rmdir()
    status, _ = await post(ha_url, json.dumps(document).encode())
    assert status == 200
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"
    assert [job["status"] for job in saved_jobs(hass, loaded_entry)] == ["processed"]


async def test_a_callback_in_two_chunks_is_read_whole(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """Chunked transfer, the body split mid-document with a pause: read to its end."""
    document = await accepted_job(hass, lifepay_mock)
    body = json.dumps(document).encode()

    async def two_chunks() -> AsyncIterator[bytes]:
        yield body[:20]
        await asyncio.sleep(0.2)
        yield body[20:]

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{ha_url}/api/webhook/{WEBHOOK_ID}",
            data=two_chunks(),
            headers={"Content-Type": "application/json"},
        ) as response,
    ):
        assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "processed"
