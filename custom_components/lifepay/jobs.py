"""Print jobs and the rules of their life: plain Python, no Home Assistant.

A job is one X-report, shift opening or Z-report, or one sale document: a receipt, cash in,
cash out (:class:`~.sales.SaleKind`). The :class:`Ledger` holds an account's jobs
and decides every step of their life: what a press makes, whether a job may still be sent,
what LifePay's answers and callbacks do to it. It never sends, saves, arms a timer or tells
anyone: each step returns the :class:`Change` it made, and its owner (the account) does the
rest. So the rules are tested directly, without Home Assistant.

The one check every send passes is :meth:`Ledger.attempt`: a job is sent only while it is
still being sent, the ledger is open, and its window (``give_up_after`` from when it was asked
for) has not run out. A job found past its window ends as failed instead, whoever asked.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from .api import (
    CallbackNotification,
    Cashier,
    DocumentKind,
    DocumentStatus,
    JsonValue,
    LifePayConnectionError,
    LifePayError,
    LifePayHttpStatusError,
    LifePayMalformedResponseError,
    LifePayTimeoutError,
    RetrySchedule,
    lifepay_words,
    new_ext_id,
)
from .api.validation import check_money
from .sales import CASH_KINDS, SaleKind, receipt_from_dict, sale_total

JobKind = DocumentKind | SaleKind
"""What a job is: a document of the fiscal day or a sale document."""
JOB_KINDS: tuple[JobKind, ...] = (*DocumentKind, *SaleKind)


def job_kind(value: Any) -> JobKind:
    """A stored kind; raises ``ValueError`` for one this version does not know."""
    try:
        return DocumentKind(value)
    except ValueError:
        return SaleKind(value)


def status_key(kind: JobKind) -> str:
    """The status sensor a kind of job shows on (its key without ``_status``): one for each
    document of the day, ``receipt``, and ``cash`` for cash in and out alike."""
    return "cash" if kind in CASH_KINDS else kind.value


# How many finished jobs an account remembers for callbacks that come late.
FINISHED_JOBS_KEPT = 200


class JobStatus(StrEnum):
    """What the status sensor shows. The values are stable: automations compare with them."""

    PENDING = "pending"
    """Saved and being sent to LifePay for the first time."""
    RETRYING = "retrying"
    """LifePay gave no usable answer; the same request is sent again at ``next_attempt_at``."""
    ACCEPTED = "accepted"
    """LifePay took the request (a uuid came back); the printer has not answered yet."""
    PROCESSED = "processed"
    AWAITING_RETRY = "awaiting_retry"
    """LifePay's own state: the printer is offline or out of paper."""
    ERROR = "error"
    """The printer could not print it (LifePay's callback said so)."""
    REJECTED = "rejected"
    """LifePay refused the request with a final answer."""
    FAILED = "failed"
    """Not sent within its window (LifePay never answered, or it was too old to send)."""
    UNCONFIRMED = "unconfirmed"
    """LifePay took it, but no callback came within the confirmation window."""
    SENT = "sent"
    """LifePay took it, and no callback can come: Home Assistant had no URL to give."""


class Outcome(StrEnum):
    """How a document ended, for automations: it worked, or it did not."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


FAILED_STATUSES = frozenset(
    {JobStatus.ERROR, JobStatus.REJECTED, JobStatus.FAILED, JobStatus.UNCONFIRMED}
)
"""Every end that is not a printed document (sent without confirmation is not a failure)."""


def outcome_of(status: JobStatus) -> Outcome | None:
    if status is JobStatus.PROCESSED:
        return Outcome.SUCCEEDED
    return Outcome.FAILED if status in FAILED_STATUSES else None


FINAL_STATUSES = frozenset(
    {
        JobStatus.PROCESSED,
        JobStatus.ERROR,
        JobStatus.REJECTED,
        JobStatus.FAILED,
        JobStatus.UNCONFIRMED,
        JobStatus.SENT,
    }
)
SENDING_STATUSES = frozenset({JobStatus.PENDING, JobStatus.RETRYING})
AWAITING_CALLBACK_STATUSES = frozenset({JobStatus.ACCEPTED, JobStatus.AWAITING_RETRY})
"""LifePay has the document and owes a callback about it."""
CORRECTABLE_STATUSES = frozenset({JobStatus.FAILED, JobStatus.UNCONFIRMED, JobStatus.SENT})
"""Ends Home Assistant reached without LifePay's word; a callback that comes after all wins."""
RESTARTABLE_STATUSES = frozenset({JobStatus.REJECTED, JobStatus.FAILED})
"""Ends a person may undo by asking for the same document again (its own ext_id)."""
_FROM_CALLBACK = {
    DocumentStatus.PROCESSED: JobStatus.PROCESSED,
    DocumentStatus.AWAITING_RETRY: JobStatus.AWAITING_RETRY,
    DocumentStatus.ERROR: JobStatus.ERROR,
}


class Problem(StrEnum):
    """Why a job is not (yet) done, as far as Home Assistant itself knows; translated for people.

    LifePay's own words, when it gave any, are kept apart in the job's ``message``.
    """

    HTTP_STATUS = "http_status"
    """LifePay answered with an HTTP error (details: ``status``); the request is repeated."""
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    MALFORMED_ANSWER = "malformed_answer"
    REFUSED = "refused"
    """LifePay refused the request for good (details: ``code``)."""
    GAVE_UP = "gave_up"
    """No answer within the give-up window (details: ``attempts``, ``minutes``, and the last
    try's problem as ``last_problem`` with its details prefixed ``last_``)."""
    EXPIRED = "expired"
    """Its window ran out before it could be tried again (Home Assistant was not running, say);
    details: ``minutes``, ``attempts``."""
    NO_CONFIRMATION = "no_confirmation"
    """LifePay took it but never reported on it (details: ``hours``)."""
    NO_CALLBACK_URL = "no_callback_url"
    """Home Assistant had no address to give LifePay for its report."""
    # What LifePay's words about a document mean, when they mean something known (see
    # :func:`problem_in_words`); the words themselves stay in the job's ``message``.
    SHIFT_NOT_OPEN = "shift_not_open"
    SHIFT_TOO_LONG = "shift_too_long"
    """The shift has run over 24 hours: it must be closed before anything else prints."""
    SHIFT_ALREADY_OPEN = "shift_already_open"
    OUT_OF_PAPER = "out_of_paper"
    PRINTER_OFFLINE = "printer_offline"
    PRINTER_NOT_READY = "printer_not_ready"
    """LifePay waits for the printer, for a reason it did not name or we do not know."""
    PRINTER_ERROR = "printer_error"
    """The printer could not print it, for a reason we do not know (LifePay's words say it)."""


# Fragments of LifePay's (Russian) words and what they mean, most specific first. Matched
# loosely (case, ё/е, punctuation), since only the meaning of the sentences is known, not their
# exact wording: an unknown sentence is never an error, it only keeps the general problem.
_MEANINGS: tuple[tuple[tuple[str, ...], Problem], ...] = (
    (("уже открыт",), Problem.SHIFT_ALREADY_OPEN),
    (("превысил", "24 час", "более 24", "больше 24"), Problem.SHIFT_TOO_LONG),
    (("смена не открыт", "смена закрыт", "нет открытой смены"), Problem.SHIFT_NOT_OPEN),
    (("бумаг",), Problem.OUT_OF_PAPER),
    (("не в сети", "не на связи", "нет связи с принтер", "offline"), Problem.PRINTER_OFFLINE),
)


def problem_in_words(words: str | None) -> Problem | None:
    """The known meaning of LifePay's words about a document that did not print, if any."""
    if not words:
        return None
    text = words.casefold().replace("ё", "е")
    for fragments, problem in _MEANINGS:
        if any(fragment in text for fragment in fragments):
            return problem
    return None


def _callback_problem(status: JobStatus, words: str | None) -> Problem | None:
    """Why a document LifePay reported on did not print (yet): its words' meaning, or the
    general problem of its status."""
    if status is JobStatus.ERROR:
        return problem_in_words(words) or Problem.PRINTER_ERROR
    if status is JobStatus.AWAITING_RETRY:
        return problem_in_words(words) or Problem.PRINTER_NOT_READY
    return None


def problem_of(error: LifePayError) -> tuple[Problem, dict[str, str]]:
    """The problem a client error stands for, with the details its message needs."""
    match error:
        case LifePayHttpStatusError():
            return Problem.HTTP_STATUS, {"status": str(error.http_status)}
        case LifePayTimeoutError():
            return Problem.TIMEOUT, {}
        case LifePayConnectionError():
            return Problem.CONNECTION, {}
        case LifePayMalformedResponseError():
            return Problem.MALFORMED_ANSWER, {}
        case _:
            # A refusal whose words mean something known says so; the code stays in details.
            return problem_in_words(lifepay_words(error)) or Problem.REFUSED, {
                "code": str(error.code)
            }


class UnknownJobError(Exception):
    """A callback about a document this account did not request."""


class ForgedCallbackError(Exception):
    """A callback whose secret does not match the job it names."""


def parse_moment(value: Any) -> datetime | None:
    """A stored ISO moment as an aware datetime (UTC when it names no zone)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _problem(value: Any) -> Problem | None:
    try:
        return Problem(value)
    except ValueError:
        return None  # none, or one a newer version wrote


def _sale(kind: JobKind, value: Any) -> dict[str, Any] | None:
    """A sale job's saved document, checked: one that cannot be sent again exactly as it was
    asked for is not run (the ledger keeps it aside, as it keeps a newer version's)."""
    if not isinstance(kind, SaleKind):
        return None
    if not isinstance(value, dict):
        raise ValueError("a sale job without its document")
    if kind is SaleKind.RECEIPT:
        receipt_from_dict(value)
    else:
        check_money(value["amount"], "amount")
    return value


def _minutes(window: timedelta) -> str:
    return f"{window.total_seconds() / 60:g}"


def _hours(window: timedelta) -> str:
    """A window in hours as a person writes it: 2, 0.5, 12."""
    return f"{window.total_seconds() / 3600:g}"


@dataclass(slots=True)
class PrintJob:
    """One document request and what is known of it."""

    printer_id: str
    ext_id: str
    token: str
    requested_at: datetime
    updated_at: datetime
    kind: JobKind = DocumentKind.X_REPORT
    status: JobStatus = JobStatus.PENDING
    target_serial: str | None = None
    """The printer it was requested for (None: any active printer), kept for retries."""
    cashier: Cashier | None = None
    """Who opens or closes the shift (shift documents only), kept for retries."""
    uuid: str | None = None
    code: int | None = None
    message: str | None = None
    """LifePay's own words about it (a callback's message, a refusal's sentences)."""
    problem: Problem | None = None
    problem_details: dict[str, str] = field(default_factory=dict)
    user_data: JsonValue = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    confirm_by: datetime | None = None
    """When LifePay's callback is due at the latest; past it the job is unconfirmed."""
    lifepay_status: str | None = None
    """The status word of LifePay's latest callback, exactly as sent."""
    sale: dict[str, Any] | None = None
    """What a sale job sends, kept for retries: the receipt (:func:`~.sales.receipt_as_dict`)
    or ``{"amount": "500.00"}`` for cash."""
    ofd_url: str | None = None
    """A receipt's page at the fiscal data operator, once LifePay's callback brings it."""

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    def callback_data(self) -> dict[str, JsonValue]:
        """What LifePay echoes back: the job's secret and the caller's own data."""
        return {"token": self.token, "data": self.user_data}

    def attributes(self) -> dict[str, Any]:
        """The job as plain values, for state attributes and events (never the secret)."""
        return {
            "uuid": self.uuid,
            "ext_id": self.ext_id,
            "code": self.code,
            "problem": self.problem.value if self.problem else None,
            "lifepay_message": self.message,
            "attempts": self.attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "confirm_by": _iso(self.confirm_by),
            "lifepay_status": self.lifepay_status,
            "ofd_url": self.ofd_url,
            "total": sale_total(self.sale),
            "requested_at": self.requested_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "printer_id": self.printer_id,
            "ext_id": self.ext_id,
            "token": self.token,
            "requested_at": self.requested_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "kind": self.kind.value,
            "status": self.status.value,
            "target_serial": self.target_serial,
            "cashier": (
                {"name": self.cashier.name, "inn": self.cashier.inn} if self.cashier else None
            ),
            "uuid": self.uuid,
            "code": self.code,
            "message": self.message,
            "problem": self.problem.value if self.problem else None,
            "problem_details": self.problem_details,
            "user_data": self.user_data,
            "attempts": self.attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "confirm_by": _iso(self.confirm_by),
            "lifepay_status": self.lifepay_status,
            **({"sale": self.sale} if self.sale is not None else {}),
            **({"ofd_url": self.ofd_url} if self.ofd_url is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], now: datetime) -> PrintJob:
        """A saved job; raises ``KeyError``, ``ValueError`` or ``ArithmeticError`` for one this
        version cannot run (a status or kind a newer version wrote, a sale without its
        document)."""
        requested_at = parse_moment(data.get("requested_at")) or now
        cashier = data.get("cashier")
        status = JobStatus(data["status"])
        message = data.get("message")
        kind = job_kind(data.get("kind", DocumentKind.X_REPORT))
        # Versions before 0.2 kept no problem for what a callback reported: its words tell it.
        problem = _problem(data.get("problem")) or _callback_problem(status, message)
        return cls(
            printer_id=data["printer_id"],
            ext_id=data["ext_id"],
            token=data["token"],
            requested_at=requested_at,
            updated_at=parse_moment(data.get("updated_at")) or requested_at,
            kind=kind,
            status=status,
            target_serial=data.get("target_serial"),
            cashier=Cashier(cashier.get("name"), cashier.get("inn"))
            if isinstance(cashier, dict)
            else None,
            uuid=data.get("uuid"),
            code=data.get("code"),
            message=message,
            problem=problem,
            problem_details=dict(data.get("problem_details") or {}),
            user_data=data.get("user_data"),
            attempts=int(data.get("attempts") or 0),
            next_attempt_at=parse_moment(data.get("next_attempt_at")),
            confirm_by=parse_moment(data.get("confirm_by")),
            lifepay_status=data.get("lifepay_status"),
            sale=_sale(kind, data.get("sale")),
            ofd_url=data.get("ofd_url"),
        )


@dataclass(frozen=True, slots=True, init=False)
class Change:
    """One step of a job: the status it had before (``None``: new) and the one it has after."""

    job: PrintJob
    previous: JobStatus | None
    status: JobStatus

    def __init__(self, job: PrintJob, previous: JobStatus | None) -> None:
        object.__setattr__(self, "job", job)
        object.__setattr__(self, "previous", previous)
        object.__setattr__(self, "status", job.status)  # the job moves on; the step does not

    @property
    def status_changed(self) -> bool:
        return self.previous is not self.status


class Submission(StrEnum):
    """How a request became a job; the action's response says it."""

    NEW = "new"
    REPEAT = "repeat"
    """The caller's ext_id was used before: LifePay answers with the first document."""
    RESENT = "resent"
    """The printer's last one of these was still being sent (no answer from LifePay yet, within
    its window): it is sent again now, with its own ext_id, instead of a second document."""
    UNDER_WAY = "under_way"
    """The printer's last one of these is with LifePay and has not printed, failed or been
    given up yet: no second document (a double tap, a press while the printer is offline)."""


ALREADY_UNDER_WAY = frozenset({Submission.RESENT, Submission.UNDER_WAY})
"""A press that made no document of its own: the last one is still under way."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """What a request made: the job to send, how, and the changes on the way."""

    job: PrintJob
    how: Submission
    changes: list[Change]


class Ledger:
    """An account's jobs by ext_id, and every rule about them.

    ``give_up_after`` is a job's window: from when it was asked for, it may be sent (and sent
    again) until then, never after. ``confirm_within`` is how long LifePay's report on a job it
    took is awaited. After :meth:`close` nothing is sent.
    """

    def __init__(
        self,
        give_up_after: timedelta,
        confirm_within: timedelta,
        *,
        schedule: RetrySchedule | None = None,
        finished_kept: int = FINISHED_JOBS_KEPT,
    ) -> None:
        self.give_up_after = give_up_after
        self.confirm_within = confirm_within
        self.schedule = schedule or RetrySchedule()
        self.finished_kept = finished_kept
        self.closed = False
        self._jobs: dict[str, PrintJob] = {}
        self._foreign: list[dict[str, Any]] = []
        """Saved jobs this version cannot run (written by a newer one): kept as they were."""
        self._by_uuid: dict[str, PrintJob] = {}
        self._by_token: dict[str, PrintJob] = {}
        self._latest: dict[tuple[str, JobKind], PrintJob] = {}
        self._last_success: dict[tuple[str, JobKind], datetime] = {}
        self._shift_seen: dict[str, tuple[datetime, int, bool]] = {}

    # --- persistence ------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        return {"jobs": [*self._foreign, *(job.as_dict() for job in self._jobs.values())]}

    def load(self, data: dict[str, Any], now: datetime) -> int:
        """Restore jobs saved by :meth:`as_dict`, oldest first; returns how many were kept
        aside because this version cannot run them."""
        for raw in data.get("jobs", []):
            try:
                job = PrintJob.from_dict(raw, now)
            except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
                self._foreign.append(raw)
                continue
            self._add(job)
        return len(self._foreign)

    def close(self) -> None:
        """The owner is going away: nothing may be sent from now on."""
        self.closed = True

    # --- the one check ----------------------------------------------------------------------

    def send_by(self, job: PrintJob) -> datetime:
        """The end of the job's window: it is never sent after this."""
        return job.requested_at + self.give_up_after

    def may_send(self, job: PrintJob, now: datetime) -> bool:
        return not self.closed and job.status in SENDING_STATUSES and now <= self.send_by(job)

    def attempt(self, job: PrintJob, now: datetime) -> tuple[bool, list[Change]]:
        """Whether to send ``job`` now (counted as a try), or why not: a job past its window
        ends as failed here, whoever wanted to send it."""
        if self.may_send(job, now):
            previous = job.status
            job.attempts += 1
            job.next_attempt_at = None
            return True, [Change(job, previous)]
        return False, self._expire(job, now)

    def expire_overdue(self, now: datetime) -> list[Change]:
        """End every job still to be sent whose window has run out (at start-up)."""
        changes: list[Change] = []
        for job in list(self.unfinished()):
            changes += self._expire(job, now)
        return changes

    def _expire(self, job: PrintJob, now: datetime) -> list[Change]:
        if self.closed or job.status not in SENDING_STATUSES or now <= self.send_by(job):
            return []
        details = {
            "attempts": str(job.attempts),
            "minutes": _minutes(self.give_up_after),
            "requested_at": job.requested_at.isoformat(),
        }
        if job.problem is not None and job.status is JobStatus.RETRYING:
            # It was being retried: say what the last try met, as a give-up does.
            details["last_problem"] = job.problem.value
            details |= {f"last_{key}": value for key, value in job.problem_details.items()}
            problem = Problem.GAVE_UP
        else:
            problem = Problem.EXPIRED
        job.next_attempt_at = None
        return [
            self._update(job, now, JobStatus.FAILED, message=None, problem=problem, details=details)
        ]

    # --- requests ---------------------------------------------------------------------------

    def submit(
        self,
        printer_id: str,
        kind: JobKind,
        now: datetime,
        *,
        target_serial: str | None = None,
        cashier: Cashier | None = None,
        ext_id: str | None = None,
        user_data: JsonValue = None,
        callbacks_arrive: bool = True,
        sale: dict[str, Any] | None = None,
    ) -> Submitted:
        """What a press or an action call makes.

        - The caller's own ext_id, known already: that job (a repeat). If it was refused or
          not sent in time, naming it again is a decision of its own: a fresh window.
        - No ext_id while the printer's last one of this kind is still being sent within its
          window: that one, sent now (one document, not two).
        - No ext_id while LifePay has the last one and owes its word on it (the printer has not
          printed it yet): that one, under way; nothing is made or sent. Unless no callback can
          arrive (``callbacks_arrive`` false: LifePay's cloud cannot reach Home Assistant), when
          waiting for one would block the printer's documents until the confirmation window ends.
        - Otherwise a new job; a last one found past its window ends as failed first.

        The two rules without an ext_id are for the day's documents only. Every sale is a
        document of its own: two receipts asked for are two receipts, even while the first is
        still under way, unless the caller names the same ext_id.
        """
        if ext_id is not None and (known := self._jobs.get(ext_id)) is not None:
            changes: list[Change] = []
            if known.status in RESTARTABLE_STATUSES or (
                known.status in SENDING_STATUSES and now > self.send_by(known)
            ):
                changes = self.restart(known, now)
            return Submitted(known, Submission.REPEAT, changes)
        changes = []
        if (
            ext_id is None
            and isinstance(kind, DocumentKind)
            and (waiting := self.latest(printer_id, kind)) is not None
        ):
            if waiting.status in SENDING_STATUSES and now <= self.send_by(waiting):
                return Submitted(waiting, Submission.RESENT, [])
            if (
                callbacks_arrive
                and waiting.status in AWAITING_CALLBACK_STATUSES
                and (waiting.confirm_by is None or now < waiting.confirm_by)
            ):
                return Submitted(waiting, Submission.UNDER_WAY, [])
            changes = self._expire(waiting, now)
        job = PrintJob(
            printer_id=printer_id,
            ext_id=ext_id or new_ext_id(),
            token=secrets.token_urlsafe(24),
            requested_at=now,
            updated_at=now,
            kind=kind,
            target_serial=target_serial,
            cashier=cashier,
            user_data=user_data,
            sale=sale,
        )
        self._add(job)
        self._prune()
        return Submitted(job, Submission.NEW, [*changes, Change(job, None)])

    def withdraw(self, job: PrintJob) -> None:
        """Forget a new job that could not even be saved: it was never sent, nobody heard of
        it, and the person was told it was not sent."""
        if job.attempts == 0 and job.status is JobStatus.PENDING and job.uuid is None:
            self._forget(job)
            key = (job.printer_id, job.kind)
            if self._latest.get(key) is job:
                del self._latest[key]

    def restart(self, job: PrintJob, now: datetime) -> list[Change]:
        """A person sends a job again: a fresh window from now, the same ext_id."""
        job.requested_at = now
        job.next_attempt_at = None
        job.attempts = 0 if job.status in RESTARTABLE_STATUSES else job.attempts
        return [self._update(job, now, JobStatus.PENDING, message=None)]

    # --- LifePay's answers ------------------------------------------------------------------

    def accepted(
        self, job: PrintJob, uuid: str, now: datetime, *, callback_expected: bool
    ) -> list[Change]:
        """LifePay took the job (a uuid came back)."""
        if self._jobs.get(job.ext_id) is not job:
            return []  # forgotten while LifePay was asked: not brought back, unsaved
        job.uuid = uuid
        job.next_attempt_at = None
        self._by_uuid[uuid] = job
        if job.status not in SENDING_STATUSES and job.status not in CORRECTABLE_STATUSES:
            return [Change(job, job.status)]  # a callback came first and already said more
        if callback_expected:
            job.confirm_by = now + self.confirm_within
            return [self._update(job, now, JobStatus.ACCEPTED, code=0, message=None)]
        job.confirm_by = None
        return [
            self._update(
                job, now, JobStatus.SENT, code=0, message=None, problem=Problem.NO_CALLBACK_URL
            )
        ]

    def refused(self, job: PrintJob, error: LifePayError, now: datetime) -> list[Change]:
        """A final answer (a non-zero code): the job ends, unless a callback ended it first."""
        if job.status not in SENDING_STATUSES:
            return []
        job.next_attempt_at = None
        problem, details = problem_of(error)
        return [
            self._update(
                job,
                now,
                JobStatus.REJECTED,
                code=error.code,
                message=lifepay_words(error),
                problem=problem,
                details=details,
            )
        ]

    def unanswered(self, job: PrintJob, error: LifePayError, now: datetime) -> list[Change]:
        """No usable answer: retry on LifePay's schedule inside the window, else give up."""
        if job.status not in SENDING_STATUSES:
            return []  # a callback already told us what became of it
        next_attempt = now + self.schedule.delay_after(max(job.attempts, 1))
        problem, details = problem_of(error)
        if next_attempt > self.send_by(job) or self.closed:
            if self.closed:  # sent again by whoever opens the ledger next
                return []
            job.next_attempt_at = None
            details = {
                "attempts": str(job.attempts),
                "minutes": _minutes(self.give_up_after),
                "requested_at": job.requested_at.isoformat(),
                "last_problem": problem.value,
                **{f"last_{key}": value for key, value in details.items()},
            }
            return [
                self._update(
                    job,
                    now,
                    JobStatus.FAILED,
                    message=None,
                    problem=Problem.GAVE_UP,
                    details=details,
                )
            ]
        job.next_attempt_at = next_attempt
        return [
            self._update(
                job,
                now,
                JobStatus.RETRYING,
                code=None,
                message=None,
                problem=problem,
                details=details,
            )
        ]

    def unconfirmed(self, job: PrintJob, now: datetime) -> list[Change]:
        """No callback came by ``confirm_by``; a later one still corrects it."""
        if (
            job.status not in AWAITING_CALLBACK_STATUSES
            or job.confirm_by is None
            or now < job.confirm_by
        ):
            return []
        job.confirm_by = None
        return [
            self._update(
                job,
                now,
                JobStatus.UNCONFIRMED,
                message=job.message,
                problem=Problem.NO_CONFIRMATION,
                details={"hours": _hours(self.confirm_within)},
            )
        ]

    def find_authentic(self, notification: CallbackNotification) -> PrintJob:
        """The job a callback is about, if it carries that job's secret.

        Looked up by uuid, by ext_id, or by the secret itself when LifePay named neither.
        Raises :class:`UnknownJobError` or :class:`ForgedCallbackError`.
        """
        token = _token_of(notification.callback_data)
        job = None
        if notification.uuid is not None:
            job = self._by_uuid.get(notification.uuid)
        if job is None and notification.ext_id is not None:
            job = self._jobs.get(notification.ext_id)
        if job is None and notification.uuid is None and notification.ext_id is None:
            job = self._by_token.get(token)
        if job is None:
            raise UnknownJobError
        if not hmac.compare_digest(token.encode(), job.token.encode()):
            raise ForgedCallbackError
        if notification.uuid is not None and job.uuid not in (None, notification.uuid):
            raise ForgedCallbackError
        return job

    def apply_callback(
        self, job: PrintJob, notification: CallbackNotification, now: datetime
    ) -> list[Change]:
        """Apply an authentic callback to its job.

        An unknown status word is recorded as sent and the job keeps its last known state. A
        late or repeated callback never moves a finished job backwards, except an end Home
        Assistant reached alone (gave up, no confirmation): LifePay says what became of it.
        While LifePay still works on it, a fresh confirmation window from its last word.
        """
        previous = job.status
        if job.uuid is None and notification.uuid is not None:
            job.uuid = notification.uuid
            self._by_uuid[notification.uuid] = job
        job.lifepay_status = notification.status_word
        if notification.ofd_url:
            job.ofd_url = notification.ofd_url
        if notification.status is None:
            if job.status in AWAITING_CALLBACK_STATUSES:
                job.confirm_by = now + self.confirm_within
            return [Change(job, previous)]
        if job.final and job.status not in CORRECTABLE_STATUSES:
            return [Change(job, previous)]
        job.next_attempt_at = None
        status = _FROM_CALLBACK[notification.status]
        job.confirm_by = now + self.confirm_within if status in AWAITING_CALLBACK_STATUSES else None
        words = notification.message or None
        return [
            self._update(job, now, status, message=words, problem=_callback_problem(status, words))
        ]

    # --- reading ----------------------------------------------------------------------------

    def __iter__(self) -> Iterator[PrintJob]:
        return iter(list(self._jobs.values()))

    def __len__(self) -> int:
        return len(self._jobs)

    def get(self, ext_id: str) -> PrintJob | None:
        return self._jobs.get(ext_id)

    def latest(self, printer_id: str, kind: JobKind = DocumentKind.X_REPORT) -> PrintJob | None:
        return self._latest.get((printer_id, kind))

    def latest_of_any_kind(self, printer_id: str) -> PrintJob | None:
        """The printer's job that changed last, whatever its kind."""
        jobs = [job for kind in JOB_KINDS if (job := self.latest(printer_id, kind))]
        return max(jobs, key=lambda job: job.updated_at, default=None)

    def last_success(
        self, printer_id: str, kind: JobKind = DocumentKind.X_REPORT
    ) -> datetime | None:
        return self._last_success.get((printer_id, kind))

    def shift_seen(self, printer_id: str) -> tuple[datetime, bool] | None:
        """The latest word any document gave on the printer's shift: when, and whether open.

        A printed X-report or opening says open, a printed Z-report closed; so do LifePay's
        words on one that failed ("the shift is not open", "already open", "over 24 hours").
        """
        seen = self._shift_seen.get(printer_id)
        return (seen[0], seen[2]) if seen else None

    def unfinished(self) -> list[PrintJob]:
        """Jobs still to be sent, oldest first."""
        return [job for job in self._jobs.values() if job.status in SENDING_STATUSES]

    def awaiting_callback(self) -> list[PrintJob]:
        """Jobs LifePay owes a callback about, with a deadline for it."""
        return [
            job
            for job in self._jobs.values()
            if job.status in AWAITING_CALLBACK_STATUSES and job.confirm_by is not None
        ]

    def given_up(self, printer_id: str) -> list[PrintJob]:
        """The printer's jobs that were not sent in time, oldest first."""
        return [
            job
            for job in self._jobs.values()
            if job.printer_id == printer_id and job.status is JobStatus.FAILED
        ]

    # --- internals --------------------------------------------------------------------------

    def _add(self, job: PrintJob) -> None:
        self._jobs[job.ext_id] = job
        self._by_token[job.token] = job
        if job.uuid is not None:
            self._by_uuid[job.uuid] = job
        self._remember(job)

    def _update(
        self,
        job: PrintJob,
        now: datetime,
        status: JobStatus,
        *,
        code: int | None = None,
        message: str | None,
        problem: Problem | None = None,
        details: dict[str, str] | None = None,
    ) -> Change:
        previous = job.status
        job.status = status
        job.message = message
        job.problem = problem
        job.problem_details = details or {}
        if code is not None or status in (JobStatus.REJECTED, JobStatus.RETRYING):
            job.code = code
        job.updated_at = now
        self._remember(job)
        return Change(job, previous)

    def _remember(self, job: PrintJob) -> None:
        key = (job.printer_id, job.kind)
        latest = self._latest.get(key)
        if latest is None or latest.requested_at <= job.requested_at:
            self._latest[key] = job
        if job.status is JobStatus.PROCESSED:
            known = self._last_success.get(key)
            if known is None or known < job.updated_at:
                self._last_success[key] = job.updated_at
        if (is_open := _shift_shown_by(job)) is not None:
            # In a day's order for the same moment: an X-report, the Z-report closing the
            # shift, the opening of the next.
            seen = (job.updated_at, _DAY_ORDER.get(job.kind, 0), is_open)
            if (known_seen := self._shift_seen.get(job.printer_id)) is None or known_seen < seen:
                self._shift_seen[job.printer_id] = seen

    def _prune(self) -> None:
        finished = [job for job in self._jobs.values() if job.final]
        for job in finished[: max(0, len(finished) - self.finished_kept)]:
            self._forget(job)

    def _forget(self, job: PrintJob) -> None:
        del self._jobs[job.ext_id]
        self._by_token.pop(job.token, None)
        if job.uuid is not None:
            self._by_uuid.pop(job.uuid, None)


_DAY_ORDER: dict[JobKind, int] = {
    DocumentKind.X_REPORT: 0,
    DocumentKind.Z_REPORT: 1,
    DocumentKind.OPEN_SHIFT: 2,
}
_SHIFT_OPEN_PROBLEMS = frozenset({Problem.SHIFT_ALREADY_OPEN, Problem.SHIFT_TOO_LONG})


def _shift_shown_by(job: PrintJob) -> bool | None:
    """Whether ``job`` shows the shift open (True), closed (False), or says nothing of it.

    Anything but a Z-report printed says the shift is open: a receipt or cash movement cannot
    print on a closed shift."""
    if job.status is JobStatus.PROCESSED:
        return job.kind is not DocumentKind.Z_REPORT
    if job.problem is Problem.SHIFT_NOT_OPEN:
        return False
    if job.problem in _SHIFT_OPEN_PROBLEMS:
        return True
    return None


def net_steps(changes: Iterable[Change]) -> list[Change]:
    """One step per job, from its first status in ``changes`` to its last, in order; jobs
    that ended where they began are left out (their steps were undone before anyone heard)."""
    first: dict[int, Change] = {}
    last: dict[int, Change] = {}
    for change in changes:
        first.setdefault(id(change.job), change)
        last[id(change.job)] = change
    steps = []
    for key, opening in first.items():
        step = Change(opening.job, opening.previous)
        object.__setattr__(step, "status", last[key].status)
        if step.status_changed:
            steps.append(step)
    return steps


def _token_of(callback_data: JsonValue) -> str:
    """The job's secret from what LifePay echoed back; empty when there is none."""
    if isinstance(callback_data, dict):
        token = callback_data.get("token")
        if isinstance(token, str):
            return token
    return ""
