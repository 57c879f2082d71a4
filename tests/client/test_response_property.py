"""Any response body: the parser gives the envelope or a retryable error, nothing else."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.lifepay.api import LifePayMalformedResponseError
from custom_components.lifepay.api.client import field_errors_of, parse_envelope

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "code": st.integers() | json_values,
        "message": st.text(max_size=20) | json_values,
        "data": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    envelopes.map(lambda value: json.dumps(value).encode()),
)


@settings(max_examples=500)
@given(body=bodies)
def test_any_body_parses_or_is_retryable(body: bytes) -> None:
    try:
        envelope = parse_envelope(body)
    except LifePayMalformedResponseError:
        return  # a LifePayTransportError: retried with the same ext_id
    assert isinstance(envelope.code, int)
    assert not isinstance(envelope.code, bool)
    assert isinstance(envelope.message, str)
    errors = field_errors_of(envelope.data)
    assert all(isinstance(messages, tuple) for messages in errors.values())
    assert all(isinstance(m, str) for messages in errors.values() for m in messages)
