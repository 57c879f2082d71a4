"""Schemathesis hooks for the run against the mock (loaded through schemathesis.toml).

A fault the fuzzer adds applies, on purpose, to the *next* requests to LifePay's endpoints: an
http_status fault answers them 5xx, a delay fault holds them up to ten minutes. Those answers
are the faults' own (tests/mock/test_faults.py tests them); left in place they would be charged
to whatever operation Schemathesis calls next. So each added fault is dropped right after the
call that added it, and every check still judges every answer the mock gives.
"""

from __future__ import annotations

from typing import Any

import requests
import schemathesis


@schemathesis.hook
def after_call(_context: Any, case: Any, response: Any) -> None:
    if case.method.upper() == "POST" and case.path == "/_mock/faults":
        requests.delete(response.request.url, timeout=10)
