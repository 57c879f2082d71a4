"""The client against the running mock: every answer LifePay can give."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.lifepay.api import (
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayClient,
    LifePayCloudPrintDisabledError,
    LifePayConnectionError,
    LifePayError,
    LifePayHttpStatusError,
    LifePayInputError,
    LifePayMalformedResponseError,
    LifePayResponseError,
    LifePayServerError,
    LifePayTimeoutError,
    LifePayTransportError,
    LifePayValidationError,
)
from mock_lifepay import PrinterState
from mock_lifepay.faults import Fault, FaultKind

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


def client_for(
    session: aiohttp.ClientSession, mock: MockHandle, login: str, apikey: str | None = None
) -> LifePayClient:
    return LifePayClient(
        session=session,
        apikey=apikey or mock.demo.apikey,
        login=login,
        base_url=mock.url,
        request_timeout=5,
    )


async def test_print_returns_uuid_and_creates_document(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    serial = lifepay_mock.demo.printers[1]
    result = await client.create_x_report(
        target_serial=serial,
        ext_id="shift-end-1",
        callback_url="http://127.0.0.1:1/hook",
        callback_data={"token": "abc"},
    )
    assert result.uuid is not None
    assert result.ext_id == "shift-end-1"
    assert result.test is False
    document = lifepay_mock.mock.backend.documents[result.uuid]
    assert document.printer_serial == serial
    assert document.ext_id == "shift-end-1"
    assert document.callback_url == "http://127.0.0.1:1/hook"
    assert document.callback_data == {"token": "abc"}


async def test_test_mode_returns_no_uuid_and_creates_nothing(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    result = await client.create_x_report(
        target_serial=lifepay_mock.demo.printers[0], test=True, ext_id="probe"
    )
    assert result.uuid is None
    assert result.test is True
    assert lifepay_mock.mock.backend.documents == {}


async def test_test_mode_still_validates_the_serial(client: LifePayClient) -> None:
    with pytest.raises(LifePayValidationError) as caught:
        await client.create_x_report(target_serial="99999999999999", test=True)
    assert caught.value.code == 400
    assert caught.value.field_errors == {"target_serial": ("Принтер не найден.",)}
    assert "Принтер не найден." in str(caught.value)


async def test_repeated_ext_id_returns_first_uuid(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    first = await client.create_x_report(ext_id="same")
    second = await client.create_x_report(ext_id="same")
    assert first.uuid == second.uuid
    assert len(lifepay_mock.mock.backend.documents) == 1


async def test_unknown_login_is_6009(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    client = client_for(session, lifepay_mock, "70000000000")
    with pytest.raises(LifePayAuthError) as caught:
        await client.create_x_report()
    assert caught.value.code == 6009
    assert caught.value.message == "Не удалось найти пользователя по login."
    assert not isinstance(caught.value, LifePayTransportError)


async def test_wrong_apikey_is_6010(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    client = client_for(session, lifepay_mock, lifepay_mock.demo.admin_login, apikey="wrong")
    with pytest.raises(LifePayAuthError) as caught:
        await client.create_x_report()
    assert caught.value.code == 6010


async def test_company_without_cloud_printing_is_6080(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    client = client_for(session, lifepay_mock, demo.no_cloud_login, apikey=demo.no_cloud_apikey)
    with pytest.raises(LifePayCloudPrintDisabledError) as caught:
        await client.create_x_report()
    assert caught.value.code == 6080


async def test_blocked_login_is_6095(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    client = client_for(session, lifepay_mock, lifepay_mock.demo.blocked_login)
    with pytest.raises(LifePayAccessDeniedError) as caught:
        await client.create_x_report()
    assert caught.value.code == 6095


async def test_trade_point_login_may_not_use_another_points_printer(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    client = client_for(session, lifepay_mock, demo.shop_login)
    with pytest.raises(LifePayAccessDeniedError):
        await client.create_x_report(target_serial=demo.printers[1])
    result = await client.create_x_report(target_serial=demo.printers[0])
    assert result.uuid is not None


async def test_trade_point_login_prints_on_its_printer_without_serial(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    client = client_for(session, lifepay_mock, demo.warehouse_login)
    result = await client.create_x_report()
    assert result.uuid is not None
    assert lifepay_mock.mock.backend.documents[result.uuid].printer_serial == demo.printers[1]


async def test_without_serial_an_active_printer_prints(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    printers = lifepay_mock.mock.backend.world.printers
    first = printers[lifepay_mock.demo.printers[0]]
    lifepay_mock.mock.set_printer_state(first, PrinterState.OFFLINE)
    result = await client.create_x_report()
    assert result.uuid is not None
    assert (
        lifepay_mock.mock.backend.documents[result.uuid].printer_serial
        == lifepay_mock.demo.printers[1]
    )


async def test_no_active_printer_is_a_data_error(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    for serial in lifepay_mock.demo.printers:
        mock.set_printer_state(mock.backend.world.printers[serial], PrinterState.OFFLINE)
    with pytest.raises(LifePayValidationError) as caught:
        await client.create_x_report()
    assert caught.value.code == 400
    assert "target_serial" in caught.value.field_errors


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (500, LifePayServerError),
        (6000, LifePayValidationError),
        (400, LifePayValidationError),
        (6009, LifePayAuthError),
        (6010, LifePayAuthError),
        (6080, LifePayCloudPrintDisabledError),
        (6095, LifePayAccessDeniedError),
    ],
)
async def test_each_code_maps_to_its_exception(
    client: LifePayClient, lifepay_mock: MockHandle, code: int, error_class: type[LifePayError]
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=code))
    with pytest.raises(error_class) as caught:
        await client.create_x_report()
    assert caught.value.code == code
    assert caught.value.message
    assert not isinstance(caught.value, LifePayTransportError)


async def test_unknown_code_is_a_plain_response_error(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=7777))  # not in LifePay's table
    with pytest.raises(LifePayResponseError) as caught:
        await client.create_x_report()
    assert type(caught.value) is LifePayResponseError
    assert caught.value.code == 7777


@pytest.mark.parametrize("status", [500, 502, 503, 504, 404])
async def test_non_200_status_is_a_retryable_transport_error(
    client: LifePayClient, lifepay_mock: MockHandle, status: int
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=status))
    with pytest.raises(LifePayHttpStatusError) as caught:
        await client.create_x_report(ext_id="retry-me")
    assert caught.value.http_status == status
    assert isinstance(caught.value, LifePayTransportError)
    assert caught.value.code is None


@pytest.mark.parametrize("kind", [FaultKind.MALFORMED, FaultKind.EMPTY])
async def test_body_that_is_not_the_envelope_is_retryable(
    client: LifePayClient, lifepay_mock: MockHandle, kind: FaultKind
) -> None:
    lifepay_mock.mock.faults.add(Fault(kind))
    with pytest.raises(LifePayMalformedResponseError) as caught:
        await client.create_x_report()
    assert isinstance(caught.value, LifePayTransportError)


async def test_an_answer_in_two_pieces_is_read_whole(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    """A proxy or TCP may deliver LifePay's answer in pieces: the client reads to the end."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.SPLIT, seconds=0.1))
    result = await client.create_x_report(ext_id="split-ok")
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert result.uuid == document.uuid
    (entry,) = lifepay_mock.mock.journal.entries()
    assert entry.fault == "split"


async def test_a_russian_refusal_cut_inside_a_letter_is_read_whole(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    """The middle of a Russian answer falls inside a two-byte letter; nothing is lost."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.SPLIT))
    with pytest.raises(LifePayAuthError) as caught:
        await client_for(session, lifepay_mock, "70000000000").create_x_report()
    assert caught.value.code == 6009
    assert caught.value.message == "Не удалось найти пользователя по login."


async def test_an_answer_over_the_limit_is_refused_as_too_large(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    """Valid JSON, but far larger than LifePay's envelope: refused, not read into memory."""
    padding = "x" * 1_000_000
    body = f'{{"code": 0, "message": "", "data": {{"uuid": "u-1", "padding": "{padding}"}}}}'
    lifepay_mock.mock.faults.add(Fault(FaultKind.BODY, body=body))
    with pytest.raises(LifePayMalformedResponseError, match="too large"):
        await client.create_x_report()


async def test_dropped_connection_is_retryable(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.DROP))
    with pytest.raises(LifePayConnectionError) as caught:
        await client.create_x_report()
    assert isinstance(caught.value, LifePayTransportError)


async def test_slow_answer_times_out(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    client = LifePayClient(
        session=session,
        apikey=lifepay_mock.demo.apikey,
        login=lifepay_mock.demo.admin_login,
        base_url=lifepay_mock.url,
        request_timeout=0.2,
    )
    lifepay_mock.mock.faults.add(Fault(FaultKind.DELAY, seconds=1.0))
    with pytest.raises(LifePayTimeoutError) as caught:
        await client.create_x_report(ext_id="slow")
    assert isinstance(caught.value, LifePayTransportError)
    assert "0.2 s" in str(caught.value)


async def test_unreachable_host_is_a_connection_error(session: aiohttp.ClientSession) -> None:
    client = LifePayClient(
        session=session, apikey="k", login="79990000001", base_url="http://127.0.0.1:9"
    )
    with pytest.raises(LifePayConnectionError):
        await client.create_x_report()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"ext_id": "x" * 51}, "at most 50"),
        ({"ext_id": ""}, "must not be empty"),
        ({"callback_url": "http://127.0.0.1/" + "a" * 240}, "at most 255"),
        ({"callback_url": "ftp://example.org/hook"}, "absolute http(s) URL"),
        ({"callback_url": "/relative"}, "absolute http(s) URL"),
        ({"target_serial": "00106304O12797"}, "1 to 20 digits"),
        ({"target_serial": "1" * 21}, "1 to 20 digits"),
        ({"target_serial": ""}, "1 to 20 digits"),
        ({"callback_data": {"when": object()}}, "cannot be sent as JSON"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: LifePayClient, lifepay_mock: MockHandle, kwargs: dict[str, object], fragment: str
) -> None:
    with pytest.raises(LifePayInputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        await client.create_x_report(**kwargs)  # type: ignore[arg-type]
    assert lifepay_mock.mock.journal.entries() == []


def test_input_error_is_a_value_error() -> None:
    assert issubclass(LifePayInputError, ValueError)


@pytest.mark.parametrize(
    ("apikey", "login", "base_url"),
    [
        ("", "79990000001", "http://x"),
        ("key", " ", "http://x"),
        ("key", "7999", "sapi.life-pay.ru"),
    ],
)
async def test_client_refuses_bad_settings(
    session: aiohttp.ClientSession, apikey: str, login: str, base_url: str
) -> None:
    with pytest.raises(LifePayInputError):
        LifePayClient(session=session, apikey=apikey, login=login, base_url=base_url)


async def test_base_url_trailing_slash_is_ignored(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    client = LifePayClient(
        session=session,
        apikey=lifepay_mock.demo.apikey,
        login=lifepay_mock.demo.admin_login,
        base_url=lifepay_mock.url + "/",
    )
    assert (await client.create_x_report(test=True)).uuid is None


async def test_request_sends_json_with_credentials(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    await client.create_x_report(test=True, target_serial=lifepay_mock.demo.printers[0])
    entry = lifepay_mock.mock.journal.entries()[-1]
    assert entry.content_type == "application/json"
    assert '"apikey": "' + lifepay_mock.demo.apikey + '"' in entry.body
    assert '"test": 1' in entry.body


@pytest.mark.parametrize(
    "body",
    [
        '{"code": 0, "message": "", "data": []}',
        '{"code": 0, "message": "", "data": {"uuid": ""}}',
        '{"code": 0, "message": "", "data": {"uuid": 5}}',
        '["code", 0]',
        '{"message": "no code"}',
        '{"code": "0", "data": {"uuid": "u"}}',
        '{"code": true, "data": {"uuid": "u"}}',
        '{"code": 0, "message": 5, "data": {"uuid": "u"}}',
        "<html>gateway</html>",
        "x" * 1_000_001,
    ],
)
async def test_bodies_that_are_not_the_envelope(
    client: LifePayClient, lifepay_mock: MockHandle, body: str
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.BODY, body=body))
    with pytest.raises(LifePayMalformedResponseError):
        await client.create_x_report()


async def test_envelope_with_null_message_and_odd_field_errors(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    body = '{"code": 0, "message": null, "data": {"uuid": "u-1"}}'
    lifepay_mock.mock.faults.add(Fault(FaultKind.BODY, body=body))
    assert (await client.create_x_report()).uuid == "u-1"
    errors = '{"code": 400, "message": "", "data": {"a": "one", "b": ["x", 2], "c": 5}}'
    lifepay_mock.mock.faults.add(Fault(FaultKind.BODY, body=errors))
    with pytest.raises(LifePayValidationError) as caught:
        await client.create_x_report()
    assert caught.value.field_errors == {"a": ("one",), "b": ("x", "2")}
    assert caught.value.message == "LifePay error 400"
