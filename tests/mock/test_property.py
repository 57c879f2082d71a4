"""Arbitrary bodies thrown at the endpoint: it never crashes and always answers the envelope."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_lifepay import DEMO

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
