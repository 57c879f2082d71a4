"""Documents on virtual printers, and the callbacks that report each change of status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from custom_components.lifepay.api import DocumentStatus as Wire
from custom_components.lifepay.api import LifePayClient
from mock_lifepay import CallbackEncoding, DocumentStatus, PrinterState
from mock_lifepay.messages import PAPER_OUT, PRINTER_OFFLINE, SHIFT_CLOSED
from mock_lifepay.pytest_plugin import serve_mock
from mock_lifepay.server import ENDPOINT

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.conftest import CallbackReceiver


async def print_one(
    client: LifePayClient, lifepay_mock: MockHandle, receiver: CallbackReceiver, **extra: object
) -> str:
    result = await client.create_x_report(
        target_serial=lifepay_mock.demo.printers[0],
        ext_id="doc-1",
        callback_url=receiver.url,
        callback_data={"token": "s3cret", "n": [1, 2]},
        **extra,  # type: ignore[arg-type]
    )
    assert result.uuid is not None
    return result.uuid


@pytest.mark.parametrize("encoding", list(CallbackEncoding))
async def test_processed_is_notified_with_callback_data(
    client: LifePayClient,
    lifepay_mock: MockHandle,
    receiver: CallbackReceiver,
    encoding: CallbackEncoding,
) -> None:
    lifepay_mock.mock.settings.callback_encoding = encoding
    uuid = await print_one(client, lifepay_mock, receiver)
    await lifepay_mock.mock.wait_until_idle()

    ((content_type, _),) = receiver.received
    expected = {
        CallbackEncoding.MULTIPART: "multipart/form-data; boundary=",
        CallbackEncoding.FORM: "application/x-www-form-urlencoded",
        CallbackEncoding.JSON: "application/json",
    }[encoding]
    assert content_type.startswith(expected)
    (notification,) = receiver.notifications()
    assert notification.uuid == uuid
    assert notification.ext_id == "doc-1"
    assert notification.status is Wire.PROCESSED
    assert notification.callback_data == {"token": "s3cret", "n": [1, 2]}
    assert notification.target_serial == lifepay_mock.demo.printers[0]

    document = lifepay_mock.mock.backend.documents[uuid]
    assert document.report is not None
    assert document.report.serial == lifepay_mock.demo.printers[0]
    assert document.report.sales_total >= 0
    assert [attempt.delivered for attempt in document.callbacks] == [True]


@pytest.mark.parametrize(
    ("state", "message"),
    [(PrinterState.OFFLINE, PRINTER_OFFLINE), (PrinterState.PAPER_OUT, PAPER_OUT)],
)
async def test_unavailable_printer_awaits_retry_then_prints(
    client: LifePayClient,
    lifepay_mock: MockHandle,
    receiver: CallbackReceiver,
    state: PrinterState,
    message: str,
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_state(printer, state)
    uuid = await print_one(client, lifepay_mock, receiver)
    await mock.wait_until_idle()
    assert mock.backend.documents[uuid].status is DocumentStatus.AWAITING_RETRY
    assert mock.backend.documents[uuid].message == message

    mock.set_printer_state(printer, PrinterState.ONLINE)
    await mock.wait_until_idle()
    statuses = [n.status for n in receiver.notifications()]
    assert statuses == [Wire.AWAITING_RETRY, Wire.PROCESSED]
    assert mock.backend.documents[uuid].report is not None


async def test_closed_shift_is_an_error_and_the_old_state_name_closes_it(
    client: LifePayClient, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    shift_number = printer.shift.number
    # The state "shift_closed" of old closes the shift; the printer stays connected.
    mock.set_printer_state(printer, PrinterState.SHIFT_CLOSED)
    assert (printer.state, printer.shift.is_open) == (PrinterState.ONLINE, False)
    uuid = await print_one(client, lifepay_mock, receiver)
    await mock.wait_until_idle()
    (notification,) = receiver.notifications()
    assert notification.status is Wire.ERROR
    assert notification.message == SHIFT_CLOSED

    mock.backend.open_shift(printer)
    await mock.wait_until_idle()
    assert (printer.shift.number, printer.shift.is_open) == (shift_number + 1, True)
    assert mock.backend.documents[uuid].status is DocumentStatus.ERROR  # final stays final
    assert len(receiver.received) == 1


async def test_printer_error_message(
    client: LifePayClient, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_error(printer, "Неверная сумма в X-отчёте.")
    await print_one(client, lifepay_mock, receiver)
    await mock.wait_until_idle()
    assert receiver.notifications()[0].message == "Неверная сумма в X-отчёте."
    mock.set_printer_error(printer, None)
    assert printer.error_message is None


async def test_callback_is_retried_until_200(
    client: LifePayClient, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    receiver.statuses = [500, 404]
    uuid = await print_one(client, lifepay_mock, receiver)
    await lifepay_mock.mock.wait_until_idle()
    attempts = lifepay_mock.mock.backend.documents[uuid].callbacks
    assert [(a.attempt, a.http_status) for a in attempts] == [(1, 500), (2, 404), (3, 200)]
    assert len(receiver.received) == 3


async def test_callback_gives_up_after_the_last_retry(
    client: LifePayClient, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    receiver.statuses = [503] * 10
    uuid = await print_one(client, lifepay_mock, receiver)
    await lifepay_mock.mock.wait_until_idle()
    attempts = lifepay_mock.mock.backend.documents[uuid].callbacks
    # Three retry delays in the test settings: four tries in all.
    assert [a.http_status for a in attempts] == [503, 503, 503, 503]
    assert not any(a.delivered for a in attempts)


async def test_callback_timeout_and_unreachable_receiver(
    client: LifePayClient, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    mock = lifepay_mock.mock
    mock.settings.callback_timeout = 0.05
    mock.settings.callback_retry_delays = ()
    receiver.delay = 0.3
    uuid = await print_one(client, lifepay_mock, receiver)
    await mock.wait_until_idle()
    (attempt,) = mock.backend.documents[uuid].callbacks
    assert attempt.http_status is None
    assert attempt.error is not None
    assert "no answer" in attempt.error

    result = await client.create_x_report(callback_url="http://127.0.0.1:9/nobody")
    assert result.uuid is not None
    await mock.wait_until_idle()
    (refused,) = mock.backend.documents[result.uuid].callbacks
    assert refused.error is not None
    assert "Connect" in refused.error


async def test_no_callback_url_means_no_callbacks(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    result = await client.create_x_report()
    assert result.uuid is not None
    await lifepay_mock.mock.wait_until_idle()
    document = lifepay_mock.mock.backend.documents[result.uuid]
    assert document.status is DocumentStatus.PROCESSED
    assert document.callbacks == []


async def test_wait_for_sees_status_changes(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    mock.settings.processing_delay = 0.05
    result = await client.create_x_report()
    assert result.uuid is not None
    document = mock.backend.documents[result.uuid]
    assert document.status is DocumentStatus.QUEUED
    await mock.wait_for(lambda: document.final, timeout=2)
    assert document.status is DocumentStatus.PROCESSED


async def test_close_cancels_pending_work(client: LifePayClient, lifepay_mock: MockHandle) -> None:
    mock = lifepay_mock.mock
    mock.settings.processing_delay = 3600
    await client.create_x_report()
    assert mock.busy
    await mock.close()
    assert not mock.busy


async def test_history_is_capped(client: LifePayClient, lifepay_mock: MockHandle) -> None:
    lifepay_mock.mock.settings.max_documents = 3
    for n in range(6):
        await client.create_x_report(ext_id=f"cap-{n}")
        await lifepay_mock.mock.wait_until_idle()
    assert len(lifepay_mock.mock.backend.documents) == 3


async def test_an_accepted_document_prints_though_the_client_left_before_the_answer(
    receiver: CallbackReceiver,
) -> None:
    # The client hangs up after sending: LifePay has accepted the document all the same, so the
    # printer prints it and the callback reports it, though the answer found nobody to read it.
    @web.middleware
    async def hang_up_first(request: web.Request, handler: Handler) -> web.StreamResponse:
        await request.read()  # kept by aiohttp for the handler
        assert request.transport is not None
        request.transport.abort()
        return await handler(request)

    async with serve_mock(middlewares=[hang_up_first]) as handle:
        body = {
            "apikey": handle.demo.apikey,
            "login": handle.demo.admin_login,
            "ext_id": "gone",
            "callback_url": receiver.url,
        }
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientError):
                await session.post(handle.url + ENDPOINT, json=body)
        await handle.mock.wait_for(lambda: bool(receiver.received))
        (document,) = handle.mock.backend.documents.values()
        assert (document.ext_id, document.status) == ("gone", DocumentStatus.PROCESSED)
        assert document.report is not None
