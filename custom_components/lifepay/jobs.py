"""Print jobs: the one place that owns what happened to each requested document.

A job is one X-report, shift opening or Z-report. Entities only read from a :class:`JobBook`
and listen for its changes; the print queue asks it for new jobs and records LifePay's answers;
the webhook hands it callbacks. The book can be turned into plain data and back, so it survives
restarts. What a person reads is kept as data (a problem key and its details, LifePay's own
message); the entities turn it into words in the person's language.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.util import dt as dt_util

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
    lifepay_words,
    new_ext_id,
)

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
    """LifePay never answered within the give-up window; nothing more is sent."""
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
    NO_CONFIRMATION = "no_confirmation"
    """LifePay took it but never reported on it (details: ``hours``)."""
    NO_CALLBACK_URL = "no_callback_url"
    """Home Assistant had no address to give LifePay for its report."""


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
            return Problem.REFUSED, {"code": str(error.code)}


class UnknownJobError(Exception):
    """A callback about a document this account did not request."""


class ForgedCallbackError(Exception):
    """A callback whose secret does not match the job it names."""


def _time(value: str | None) -> datetime | None:
    return dt_util.parse_datetime(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _problem(value: Any) -> Problem | None:
    try:
        return Problem(value)
    except ValueError:
        return None  # none, or one a newer version wrote


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
    kind: DocumentKind = DocumentKind.X_REPORT
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

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    def callback_data(self) -> dict[str, JsonValue]:
        """What LifePay echoes back: the job's secret and the caller's own data."""
        return {"token": self.token, "data": self.user_data}

    def attributes(self) -> dict[str, Any]:
        """The job as plain values, for state attributes and events."""
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
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrintJob:
        requested_at = _time(data["requested_at"]) or dt_util.utcnow()
        cashier = data.get("cashier")
        problem = data.get("problem")
        return cls(
            printer_id=data["printer_id"],
            ext_id=data["ext_id"],
            token=data["token"],
            requested_at=requested_at,
            updated_at=_time(data.get("updated_at")) or requested_at,
            kind=DocumentKind(data.get("kind", DocumentKind.X_REPORT)),
            status=JobStatus(data["status"]),
            target_serial=data.get("target_serial"),
            cashier=Cashier(cashier.get("name"), cashier.get("inn")) if cashier else None,
            uuid=data.get("uuid"),
            code=data.get("code"),
            message=data.get("message"),
            problem=_problem(problem),
            problem_details=dict(data.get("problem_details") or {}),
            user_data=data.get("user_data"),
            attempts=data.get("attempts", 0),
            next_attempt_at=_time(data.get("next_attempt_at")),
            confirm_by=_time(data.get("confirm_by")),
            lifepay_status=data.get("lifepay_status"),
        )


@dataclass(slots=True)
class JobBook:
    """The jobs of one account, by ext_id, with listeners per printer.

    ``on_change`` is called after every change, so the owner can save the book.
    """

    jobs: dict[str, PrintJob] = field(default_factory=dict)
    on_change: Callable[[], None] = lambda: None
    on_status: Callable[[PrintJob, JobStatus | None], None] = lambda _job, _previous: None
    """Called after a job's status changed, with the status it had before."""
    _by_uuid: dict[str, PrintJob] = field(default_factory=dict)
    _by_token: dict[str, PrintJob] = field(default_factory=dict)
    _latest: dict[tuple[str, DocumentKind], PrintJob] = field(default_factory=dict)
    _last_success: dict[tuple[str, DocumentKind], datetime] = field(default_factory=dict)
    _listeners: dict[str, list[Callable[[], None]]] = field(default_factory=dict)

    # --- persistence ------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        return {"jobs": [job.as_dict() for job in self.jobs.values()]}

    def load(self, data: dict[str, Any]) -> None:
        """Restore jobs saved by :meth:`as_dict` (oldest first, as they were saved)."""
        for raw in data.get("jobs", []):
            job = PrintJob.from_dict(raw)
            self.jobs[job.ext_id] = job
            self._by_token[job.token] = job
            if job.uuid is not None:
                self._by_uuid[job.uuid] = job
            self._remember(job)

    # --- changes ----------------------------------------------------------------------------

    def new_job(
        self,
        printer_id: str,
        target_serial: str | None = None,
        ext_id: str | None = None,
        user_data: JsonValue = None,
        *,
        kind: DocumentKind = DocumentKind.X_REPORT,
        cashier: Cashier | None = None,
    ) -> tuple[PrintJob, bool]:
        """A job for a request about to be sent, and whether it is new.

        A known ext_id keeps its job and secret: LifePay would answer with the first document.
        """
        if ext_id is not None and (known := self.jobs.get(ext_id)) is not None:
            return known, False
        now = dt_util.utcnow()
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
        )
        self.jobs[job.ext_id] = job
        self._by_token[job.token] = job
        self._prune()
        self._changed(job)
        return job, True

    @callback
    def attempting(self, job: PrintJob) -> None:
        job.attempts += 1
        job.next_attempt_at = None
        self._changed(job)

    @callback
    def accepted(self, job: PrintJob, uuid: str, confirm_by: datetime | None) -> None:
        """LifePay took the job; ``confirm_by`` is ``None`` when no callback can come."""
        job.uuid = uuid
        job.next_attempt_at = None
        self._by_uuid[uuid] = job
        if job.status in SENDING_STATUSES or job.status in CORRECTABLE_STATUSES:
            job.confirm_by = confirm_by
            if confirm_by is not None:
                self._update(job, JobStatus.ACCEPTED, code=0, message=None)
            else:
                self._update(
                    job, JobStatus.SENT, code=0, message=None, problem=Problem.NO_CALLBACK_URL
                )
        else:  # a callback came first and already said more
            self._changed(job)

    @callback
    def rejected(self, job: PrintJob, error: LifePayError) -> None:
        job.next_attempt_at = None
        problem, details = problem_of(error)
        self._update(
            job,
            JobStatus.REJECTED,
            code=error.code,
            message=lifepay_words(error),
            problem=problem,
            details=details,
        )

    @callback
    def retrying(self, job: PrintJob, error: LifePayError, next_attempt_at: datetime) -> None:
        job.next_attempt_at = next_attempt_at
        problem, details = problem_of(error)
        self._update(
            job, JobStatus.RETRYING, code=None, message=None, problem=problem, details=details
        )

    @callback
    def failed(self, job: PrintJob, give_up_after: timedelta, last_error: LifePayError) -> None:
        """Given up: LifePay never answered within ``give_up_after`` of the request."""
        job.next_attempt_at = None
        last_problem, last_details = problem_of(last_error)
        details = {
            "attempts": str(job.attempts),
            "minutes": f"{give_up_after.total_seconds() / 60:g}",
            # What the last try met, so that the message can say it.
            "last_problem": last_problem.value,
            **{f"last_{key}": value for key, value in last_details.items()},
        }
        self._update(
            job, JobStatus.FAILED, code=None, message=None, problem=Problem.GAVE_UP, details=details
        )

    @callback
    def restart(self, job: PrintJob) -> None:
        """A person sends a given-up job again: a fresh give-up window, the same ext_id."""
        job.requested_at = dt_util.utcnow()
        job.next_attempt_at = None
        self._update(job, JobStatus.PENDING, message=None)

    @callback
    def unconfirmed(self, job: PrintJob, waited: timedelta) -> None:
        """No callback came in time; a later one still corrects it."""
        if job.status in AWAITING_CALLBACK_STATUSES:
            job.confirm_by = None
            self._update(
                job,
                JobStatus.UNCONFIRMED,
                message=job.message,
                problem=Problem.NO_CONFIRMATION,
                details={"hours": _hours(waited)},
            )

    @callback
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
            job = self.jobs.get(notification.ext_id)
        if job is None and notification.uuid is None and notification.ext_id is None:
            job = self._by_token.get(token)
        if job is None:
            raise UnknownJobError
        if not hmac.compare_digest(token.encode(), job.token.encode()):
            raise ForgedCallbackError
        if notification.uuid is not None and job.uuid not in (None, notification.uuid):
            raise ForgedCallbackError
        return job

    @callback
    def apply_callback(
        self, job: PrintJob, notification: CallbackNotification, confirm_by: datetime
    ) -> bool:
        """Apply an authentic callback to its job; ``False`` when its status word is unknown.

        An unknown word is recorded as sent, and the job keeps its last known state. A job
        LifePay still works on must hear again by ``confirm_by``.
        """
        if job.uuid is None and notification.uuid is not None:
            job.uuid = notification.uuid
            self._by_uuid[notification.uuid] = job
        job.lifepay_status = notification.status_word
        if notification.status is None:
            if job.status in AWAITING_CALLBACK_STATUSES:
                job.confirm_by = confirm_by
            self._changed(job)
            return False
        # A late or repeated callback never moves a finished job backwards, except an end Home
        # Assistant reached alone (gave up, no confirmation): LifePay says what became of it.
        if not job.final or job.status in CORRECTABLE_STATUSES:
            job.next_attempt_at = None
            status = _FROM_CALLBACK[notification.status]
            job.confirm_by = confirm_by if status in AWAITING_CALLBACK_STATUSES else None
            self._update(job, status, message=notification.message or None)
        else:
            self._changed(job)
        return True

    def awaiting_callback(self) -> list[PrintJob]:
        """Jobs LifePay owes a callback about, with a deadline for it."""
        return [
            job
            for job in self.jobs.values()
            if job.status in AWAITING_CALLBACK_STATUSES and job.confirm_by is not None
        ]

    # --- reading ----------------------------------------------------------------------------

    def latest(
        self, printer_id: str, kind: DocumentKind = DocumentKind.X_REPORT
    ) -> PrintJob | None:
        return self._latest.get((printer_id, kind))

    def latest_of_any_kind(self, printer_id: str) -> PrintJob | None:
        """The printer's job that changed last, whatever its kind."""
        jobs = [job for kind in DocumentKind if (job := self.latest(printer_id, kind))]
        return max(jobs, key=lambda job: job.updated_at, default=None)

    def last_success(
        self, printer_id: str, kind: DocumentKind = DocumentKind.X_REPORT
    ) -> datetime | None:
        return self._last_success.get((printer_id, kind))

    def unfinished(self) -> list[PrintJob]:
        """Jobs still to be sent, oldest first."""
        return [job for job in self.jobs.values() if job.status in SENDING_STATUSES]

    def not_through(self, printer_id: str, kind: DocumentKind) -> PrintJob | None:
        """The printer's last job of this kind if it never got LifePay's answer: still being
        sent, or given up (LifePay may have it after all)."""
        job = self.latest(printer_id, kind)
        unanswered = job is not None and (
            job.status in SENDING_STATUSES or job.status is JobStatus.FAILED
        )
        return job if unanswered else None

    @callback
    def async_add_listener(self, printer_id: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        listeners = self._listeners.setdefault(printer_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    # --- internals --------------------------------------------------------------------------

    def _update(
        self,
        job: PrintJob,
        status: JobStatus,
        *,
        code: int | None = None,
        message: str | None,
        problem: Problem | None = None,
        details: dict[str, str] | None = None,
    ) -> None:
        previous = job.status
        job.status = status
        job.message = message
        job.problem = problem
        job.problem_details = details or {}
        if code is not None or status in (JobStatus.REJECTED, JobStatus.RETRYING):
            job.code = code
        job.updated_at = dt_util.utcnow()
        self._changed(job)
        if status is not previous:
            self.on_status(job, previous)

    def _changed(self, job: PrintJob) -> None:
        self._remember(job)
        self.on_change()
        for listener in list(self._listeners.get(job.printer_id, ())):
            listener()

    def _remember(self, job: PrintJob) -> None:
        key = (job.printer_id, job.kind)
        latest = self._latest.get(key)
        if latest is None or latest.requested_at <= job.requested_at:
            self._latest[key] = job
        if job.status is JobStatus.PROCESSED:
            known = self._last_success.get(key)
            if known is None or known < job.updated_at:
                self._last_success[key] = job.updated_at

    def _prune(self) -> None:
        finished = [job for job in self.jobs.values() if job.final]
        for job in finished[: max(0, len(finished) - FINISHED_JOBS_KEPT)]:
            del self.jobs[job.ext_id]
            self._by_token.pop(job.token, None)
            if job.uuid is not None:
                self._by_uuid.pop(job.uuid, None)


def _token_of(callback_data: JsonValue) -> str:
    """The job's secret from what LifePay echoed back; empty when there is none."""
    if isinstance(callback_data, dict):
        token = callback_data.get("token")
        if isinstance(token, str):
            return token
    return ""
