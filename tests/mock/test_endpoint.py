"""The mock's create-x-report endpoint reached with realistic, raw requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from mock_lifepay import ENDPOINT

from .helpers import post_json, post_raw

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def test_success_envelope(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    status, body = await post_json(session, lifepay_mock.url, valid)
    assert status == 200
    assert body["code"] == 0
    assert body["message"] == ""
    assert set(body["data"]) == {"uuid"}
    assert body["data"]["uuid"] in lifepay_mock.mock.backend.documents


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2, 3]", b'"text"', b"null", b"\xff\xfe{}", b"[" * 5000],
    ids=["empty", "text", "array", "string", "null", "not-utf8", "deep"],
)
async def test_invalid_format_is_6000(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, body: bytes
) -> None:
    status, answer = await post_raw(session, lifepay_mock.url, body)
    assert status == 200
    assert answer == {"code": 6000, "message": "Неверный формат данных.", "data": []}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"apikey": None}, "apikey", "Необходимо заполнить «Apikey»."),
        ({"login": ""}, "login", "Необходимо заполнить «Login»."),
        ({"login": 79990000001}, "login", "Значение «Login» должно быть строкой."),
        ({"test": 2}, "test", "Значение «Test» неверно."),
        ({"test": "yes"}, "test", "Значение «Test» неверно."),
        (
            {"ext_id": "e" * 51},
            "ext_id",
            "Значение «Ext Id» должно содержать максимум 50 символов.",
        ),
        ({"target_serial": 123}, "target_serial", "Значение «Target Serial» должно быть строкой."),
        (
            {"callback_url": "http://h/" + "p" * 250},
            "callback_url",
            "Значение «Callback Url» должно содержать максимум 255 символов.",
        ),
        (
            {"callback_url": "not a url"},
            "callback_url",
            "Значение «Callback Url» не является правильным URL.",
        ),
        ({"callback_data": 5}, "callback_data", "Значение «Callback Data» неверно."),
    ],
)
async def test_field_errors_are_400(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    valid: dict[str, Any],
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    status, answer = await post_json(session, lifepay_mock.url, valid | change)
    assert status == 200
    assert answer == {"code": 400, "message": "Ошибка данных.", "data": {field: [message]}}


async def test_missing_credentials_report_both_fields(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    _, answer = await post_json(session, lifepay_mock.url, {})
    assert answer["code"] == 400
    assert set(answer["data"]) == {"apikey", "login"}


@pytest.mark.parametrize("test", [0, 1, "0", "1", False, True, "", None])
async def test_test_values_accepted(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any], test: Any
) -> None:
    _, answer = await post_json(session, lifepay_mock.url, valid | {"test": test})
    assert answer["code"] == 0
    created = len(lifepay_mock.mock.backend.documents)
    assert created == (0 if test in (1, "1") else 1)


async def test_test_mode_creates_nothing_and_notifies_nobody(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    payload = valid | {
        "test": 1,
        "ext_id": "probe",
        "callback_url": "http://127.0.0.1:9/never",
        "target_serial": lifepay_mock.demo.printers[0],
    }
    _, answer = await post_json(session, lifepay_mock.url, payload)
    assert answer == {"code": 0, "message": "", "data": []}
    assert lifepay_mock.mock.backend.documents == {}
    assert not lifepay_mock.mock.busy
    # The ext_id of a test request is not taken: a real request with it creates a document.
    _, real = await post_json(session, lifepay_mock.url, payload | {"test": 0})
    assert real["data"]["uuid"] in lifepay_mock.mock.backend.documents


async def test_ext_id_is_per_company(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    other = next(
        company for company in lifepay_mock.mock.backend.world.companies.values() if company.id > 2
    )
    other_login = next(
        user.login
        for user in lifepay_mock.mock.backend.world.users.values()
        if user.company_id == other.id and user.trade_point_id is None
    )
    _, first = await post_json(session, lifepay_mock.url, valid | {"ext_id": "shared"})
    _, second = await post_json(
        session,
        lifepay_mock.url,
        {"apikey": other.apikey, "login": other_login, "ext_id": "shared"},
    )
    _, again = await post_json(session, lifepay_mock.url, valid | {"ext_id": "shared"})
    assert first["data"]["uuid"] != second["data"]["uuid"]
    assert again["data"]["uuid"] == first["data"]["uuid"]
    assert len(lifepay_mock.mock.backend.documents) == 2


async def test_repeated_ext_id_prints_once(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    payload = valid | {"ext_id": "once", "target_serial": lifepay_mock.demo.printers[0]}
    answers = [await post_json(session, lifepay_mock.url, payload) for _ in range(3)]
    await lifepay_mock.mock.wait_until_idle()
    uuids = {answer["data"]["uuid"] for _, answer in answers}
    assert len(uuids) == 1
    document = lifepay_mock.mock.backend.documents[uuids.pop()]
    assert document.status.value == "processed"
    assert [status.value for _, status, _ in document.history] == ["queued", "processed"]


async def test_other_methods_and_oversized_bodies(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    async with session.get(lifepay_mock.url + ENDPOINT) as response:
        assert response.status == 405
    async with session.post(lifepay_mock.url + ENDPOINT, data=b"x" * (1024 * 1024 + 1)) as big:
        assert big.status == 413
