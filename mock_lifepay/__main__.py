"""``python -m mock_lifepay``: serve the mock until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import bounds
from .bounds import Bound
from .process import tune_collector
from .runtime import MockLifePay
from .seed import DEMO
from .server import ENDPOINT, MockServer
from .settings import (
    LIFEPAY_USER_AGENT,
    STATUS_WORD_PRESETS,
    CallbackEncoding,
    Settings,
    parse_status_words,
    parse_user_agent,
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=program_name(sys.argv[0]), description="A mock of LifePay's cloud-print API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument(
        "--port", type=_bounded(bounds.PORT, int), default=8080, help="port (0 picks a free one)"
    )
    parser.add_argument(
        "--seed",
        type=_bounded(bounds.SEED, int),
        default=0,
        help="seed for the generated accounts",
    )
    parser.add_argument(
        "--companies",
        type=_bounded(bounds.COMPANIES, int),
        default=3,
        help="generated companies besides the demo ones",
    )
    parser.add_argument(
        "--processing-delay",
        type=_bounded(bounds.PROCESSING_DELAY, float),
        default=2.0,
        help="seconds a printer takes to print (default 2)",
    )
    parser.add_argument(
        "--callback-encoding",
        choices=[encoding.value for encoding in CallbackEncoding],
        default=CallbackEncoding.MULTIPART.value,
        help="how callbacks are encoded (default: multipart, one field data=<json>)",
    )
    parser.add_argument(
        "--callback-status-words",
        type=_status_words,
        default={},
        metavar="PRESET|JSON",
        help=f"words for the callback's status: a preset ({', '.join(STATUS_WORD_PRESETS)}) "
        'or a JSON object such as \'{"processed": "success"}\' (default: document)',
    )
    parser.add_argument(
        "--callback-user-agent",
        type=_user_agent,
        default=LIFEPAY_USER_AGENT,
        metavar="TEXT",
        help=f"User-Agent of the callbacks (default: {LIFEPAY_USER_AGENT}, as LifePay's sender)",
    )
    parser.add_argument(
        "--background-sales",
        action="store_true",
        help="X- and Z-reports first ring up random sales made at the till (off: a shift's "
        "totals are exactly its receipts and cash movements)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every failed callback try (a status other than 200, a timeout, a refused "
        "connection)",
    )
    return parser.parse_args(argv)


def program_name(argv0: str) -> str:
    """The program as it was invoked: ``mock-lifepay`` or ``python -m mock_lifepay``."""
    name = Path(argv0).name
    return "python -m mock_lifepay" if name in ("__main__.py", "") else name


def _bounded(bound: Bound, kind: type[float]) -> Callable[[str], float]:
    """An argparse type: a number of ``kind`` within ``bound``."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {bound.describe()}") from None
        if not bound.minimum <= value <= bound.maximum:
            raise argparse.ArgumentTypeError(f"must be {bound.describe()}")
        return value

    return parse


def _user_agent(text: str) -> str:
    try:
        return parse_user_agent(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _status_words(text: str) -> dict[str, str]:
    """``--callback-status-words``: a preset name or a JSON object."""
    try:
        raw = json.loads(text) if text.lstrip().startswith("{") else text
        return parse_status_words(raw)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def banner(server: MockServer) -> str:
    url = server.url
    body = json.dumps(
        {"apikey": DEMO.apikey, "login": DEMO.admin_login, "target_serial": DEMO.printers[0]}
    )
    return f"""LifePay mock listening on {url}
  console:      {url}/  (live)
  OpenAPI:      {url}/_mock/openapi.json
  endpoints:    POST {url}{ENDPOINT}, create-session, create-z-report,
                create-receipt, cash-in, cash-out
  control API:  {url}/_mock/  (docs/mock-server.md)

Demo account
  apikey:       {DEMO.apikey}
  admin login:  {DEMO.admin_login}
  shop login:   {DEMO.shop_login} (prints on {DEMO.printers[0]})
  printers:     {", ".join(DEMO.printers)}

Try it:
  curl -s {url}{ENDPOINT} -d '{body}'
"""


async def serve(args: argparse.Namespace) -> None:
    settings = Settings(
        processing_delay=args.processing_delay,
        callback_encoding=CallbackEncoding(args.callback_encoding),
        callback_status_words=args.callback_status_words,
        callback_user_agent=args.callback_user_agent,
        background_sales=args.background_sales,
    )
    mock = MockLifePay(seed=args.seed, companies=args.companies, settings=settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with MockServer(mock, args.host, args.port) as server:
        print(banner(server), flush=True)  # noqa: T201 - the CLI's output
        await stop.wait()
    print("LifePay mock stopped.", flush=True)  # noqa: T201


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    tune_collector()
    try:
        asyncio.run(serve(args))
    except OSError as err:
        print(f"mock_lifepay: cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
