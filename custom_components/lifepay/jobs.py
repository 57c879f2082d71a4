"""Print jobs: the one place that owns what happened to each requested X-report.

Entities only read from a :class:`JobBook` and listen for its changes; the account asks it for
new jobs and records LifePay's answers; the webhook hands it callbacks.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.util import dt as dt_util

from .api import CallbackNotification, DocumentStatus, JsonValue, LifePayError, new_ext_id

# How many finished jobs an account remembers for callbacks that come late.
FINISHED_JOBS_KEPT = 200


class JobStatus(StrEnum):
    """What the status sensor shows."""

    ACCEPTED = "accepted"
    """LifePay took the request (a uuid came back); the printer has not answered yet."""
    PROCESSED = "processed"
    AWAITING_RETRY = "awaiting_retry"
    ERROR = "error"
    """The printer could not print it (LifePay's callback said so)."""
    REJECTED = "rejected"
    """LifePay refused the request, or could not be reached."""


FINAL_STATUSES = frozenset({JobStatus.PROCESSED, JobStatus.ERROR, JobStatus.REJECTED})
_FROM_CALLBACK = {
    DocumentStatus.PROCESSED: JobStatus.PROCESSED,
    DocumentStatus.AWAITING_RETRY: JobStatus.AWAITING_RETRY,
    DocumentStatus.ERROR: JobStatus.ERROR,
}


class UnknownJobError(Exception):
    """A callback about a document this account did not request."""


class ForgedCallbackError(Exception):
    """A callback whose secret does not match the job it names."""


@dataclass(slots=True)
class PrintJob:
    """One X-report request and what is known of it."""

    printer_id: str
    ext_id: str
    token: str
    requested_at: datetime
    updated_at: datetime
    status: JobStatus = JobStatus.ACCEPTED
    uuid: str | None = None
    code: int | None = None
    message: str | None = None
    user_data: JsonValue = None

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    def callback_data(self) -> dict[str, JsonValue]:
        """What LifePay echoes back: the job's secret and the caller's own data."""
        return {"token": self.token, "data": self.user_data}

    def attributes(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "ext_id": self.ext_id,
            "code": self.code,
            "message": self.message,
            "requested_at": self.requested_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(slots=True)
class JobBook:
    """The jobs of one account, by ext_id, with listeners per printer."""

    jobs: dict[str, PrintJob] = field(default_factory=dict)
    _by_uuid: dict[str, PrintJob] = field(default_factory=dict)
    _latest: dict[str, PrintJob] = field(default_factory=dict)
    _last_success: dict[str, datetime] = field(default_factory=dict)
    _listeners: dict[str, list[Callable[[], None]]] = field(default_factory=dict)

    def new_job(
        self, printer_id: str, ext_id: str | None = None, user_data: JsonValue = None
    ) -> PrintJob:
        """A job for a request about to be sent; a known ext_id keeps its job and secret."""
        if ext_id is not None and (known := self.jobs.get(ext_id)) is not None:
            return known
        now = dt_util.utcnow()
        job = PrintJob(
            printer_id=printer_id,
            ext_id=ext_id or new_ext_id(),
            token=secrets.token_urlsafe(24),
            requested_at=now,
            updated_at=now,
            user_data=user_data,
        )
        self.jobs[job.ext_id] = job
        self._prune()
        return job

    @callback
    def accepted(self, job: PrintJob, uuid: str) -> None:
        job.uuid = uuid
        self._by_uuid[uuid] = job
        if not job.final and job.status is not JobStatus.AWAITING_RETRY:
            self._update(job, JobStatus.ACCEPTED, code=0, message=None)
        else:
            self._notify(job)

    @callback
    def rejected(self, job: PrintJob, error: LifePayError) -> None:
        self._update(job, JobStatus.REJECTED, code=error.code, message=str(error))

    @callback
    def apply_callback(self, notification: CallbackNotification) -> PrintJob:
        """Apply a callback; raises when it names no job of ours or carries a wrong secret."""
        job = None
        if notification.uuid is not None:
            job = self._by_uuid.get(notification.uuid)
        if job is None and notification.ext_id is not None:
            job = self.jobs.get(notification.ext_id)
        if job is None:
            raise UnknownJobError
        token = ""
        if isinstance(notification.callback_data, dict):
            sent = notification.callback_data.get("token")
            token = sent if isinstance(sent, str) else ""
        if not hmac.compare_digest(token.encode(), job.token.encode()):
            raise ForgedCallbackError
        if notification.uuid is not None and job.uuid not in (None, notification.uuid):
            raise ForgedCallbackError
        if job.uuid is None and notification.uuid is not None:
            job.uuid = notification.uuid
            self._by_uuid[notification.uuid] = job
        if not job.final:  # a late callback never moves a finished job backwards
            self._update(job, _FROM_CALLBACK[notification.status], message=notification.message)
        return job

    def latest(self, printer_id: str) -> PrintJob | None:
        return self._latest.get(printer_id)

    def last_success(self, printer_id: str) -> datetime | None:
        return self._last_success.get(printer_id)

    @callback
    def async_add_listener(self, printer_id: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        listeners = self._listeners.setdefault(printer_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    def _update(
        self, job: PrintJob, status: JobStatus, *, code: int | None = None, message: str | None
    ) -> None:
        job.status = status
        job.message = message
        if code is not None or status is JobStatus.REJECTED:
            job.code = code
        job.updated_at = dt_util.utcnow()
        if status is JobStatus.PROCESSED:
            self._last_success[job.printer_id] = job.updated_at
        self._notify(job)

    def _notify(self, job: PrintJob) -> None:
        latest = self._latest.get(job.printer_id)
        if latest is None or latest.requested_at <= job.requested_at:
            self._latest[job.printer_id] = job
        for listener in list(self._listeners.get(job.printer_id, ())):
            listener()

    def _prune(self) -> None:
        finished = [job for job in self.jobs.values() if job.final]
        for job in finished[: max(0, len(finished) - FINISHED_JOBS_KEPT)]:
            del self.jobs[job.ext_id]
            if job.uuid is not None:
                self._by_uuid.pop(job.uuid, None)
