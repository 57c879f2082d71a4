"""Arbitrary bodies thrown at the endpoint: it never crashes and always answers the envelope."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_lifepay import DEMO
from mock_lifepay.backend import UUID_BATCH, Backend, _decode
from mock_lifepay.models import iso_moment, json_text

from .helpers import post_raw

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

DOCUMENTED_CODES = {0, 400, 500, 6000, 6009, 6010, 6080, 6095}
FIELDS = ["apikey", "login", "test", "target_serial", "ext_id", "callback_url", "callback_data"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
# Values that are close to valid, so validation and the later checks are reached too.
plausible = st.one_of(
    json_values,
    st.sampled_from(
        [DEMO.apikey, DEMO.admin_login, DEMO.shop_login, DEMO.blocked_login, *DEMO.printers]
    ),
    st.sampled_from([0, 1, "0", "1", "http://127.0.0.1:9/hook", "x" * 51, "y" * 256]),
)
requests = st.dictionaries(st.sampled_from(FIELDS), plausible, max_size=len(FIELDS)).map(
    lambda payload: json.dumps(payload).encode()
)
bodies = st.one_of(
    requests, st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode())
)


def check_envelope(status: int, answer: Any) -> None:
    assert status == 200
    assert isinstance(answer, dict)
    assert set(answer) == {"code", "message", "data"}
    assert answer["code"] in DOCUMENTED_CODES
    assert isinstance(answer["message"], str)
    if answer["code"] == 0:
        assert answer["data"] == [] or set(answer["data"]) == {"uuid"}
    elif answer["code"] == 400:
        assert all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in answer["data"].values()
        )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
async def test_any_body_gets_the_envelope(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, body: bytes, content_type: str
) -> None:
    status, answer = await post_raw(session, lifepay_mock.url, body, content_type)
    check_envelope(status, answer)


# --- the hand-written fast paths equal the standard library's answers ----------------------


@given(
    st.floats(min_value=-1e9, max_value=4e9, allow_nan=False)
    | st.integers(min_value=0, max_value=4_000_000_000).map(lambda s: s + 0.9999995)
    | st.integers(min_value=0, max_value=4_000_000_000).map(lambda s: s + 0.0000005)
)
def test_iso_moment_is_datetimes_isoformat(timestamp: float) -> None:
    assert iso_moment(timestamp) == datetime.fromtimestamp(timestamp, UTC).isoformat()


@given(json_values)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert json_text(value) == json.dumps(value, ensure_ascii=False)


@given(st.binary(max_size=80) | json_values.map(lambda v: json.dumps(v).encode()))
def test_decode_is_json_loads(body: bytes) -> None:
    try:
        expected = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        expected = None
    assert _decode(body) == (expected if isinstance(expected, dict) else None)


@given(st.dictionaries(st.sampled_from(FIELDS), plausible, max_size=7))
def test_decode_of_an_object_body(fields: dict[str, Any]) -> None:
    for text in (json.dumps(fields), json.dumps(fields, indent=1), f" {json.dumps(fields)}\n"):
        assert _decode(text.encode()) == fields


def test_uuids_are_version_4_and_all_different() -> None:
    backend = Backend(seed=7)
    made = [backend._uuid4() for _ in range(UUID_BATCH * 3)]
    assert len(set(made)) == len(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)
    # Fresh ids: another backend with the same seed, and this one reset, hand out other uuids.
    again = Backend(seed=7)
    backend.reset()
    later = [again._uuid4(), backend._uuid4()]
    assert not set(later) & set(made)
    assert later[0] != later[1]
