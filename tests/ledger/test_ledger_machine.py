"""The ledger driven the way its owner drives it, in random orders, on a fake clock.

Hypothesis plays every party at once: people pressing buttons (with and without their own
ext_ids, on several printers and document kinds), the owner trying to send (and LifePay
answering at once or later: accepted, refused for good, or no usable answer), timers firing as
the clock moves, LifePay's callbacks (late, repeated, forged, about another document, with a
word nobody knows), Home Assistant restarting (the old ledger closed, a new one loaded from
what was saved) and a person sending again what was given up.

After every step the invariants are checked:

(a) one ext_id per intent: a resent or repeated request never makes a second job, and every
    new job has an ext_id no job had before (or the caller's own, not held at that moment);
(b) nothing is sent past its window (``requested_at`` as it was at the send, plus
    ``give_up_after``), nor by a closed ledger, nor when the job was not being sent;
(c) every job is in exactly one status, the ledger's views agree with the statuses, every
    change of a job is reported as a :class:`Change`, and a job that reached an end only moves
    by a documented correction: LifePay's word (a callback, or the answer to a send still under
    way) about a failed, unconfirmed or sent job, or a restart (a person's, or the caller naming
    its ext_id again) of a rejected or failed job, which starts a new window;
(d) what is saved loads back as it was: the same jobs, field for field, found the same way;
    and a callback only ever reaches a job the ledger holds (so saves);
(e) a sale (a receipt, cash in or out) is money: every sale asked for without an ext_id is a
    document of its own, even while the last one is under way (no "resent", no "under way"),
    and every send of it carries the very receipt or amount it was asked with, after restarts
    too; LifePay makes at most one document per ext_id, and (b) holds for sales as for reports.

Checks that need the moment itself (the retry schedule, who a callback reaches, what start-up
ends) are made inside the rules; (b) is checked at each send and again over all sends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from custom_components.lifepay.api import (
    CallbackNotification,
    DocumentKind,
    LifePayAuthError,
    LifePayConnectionError,
    LifePayError,
    LifePayHttpStatusError,
    LifePayMalformedResponseError,
    LifePayTimeoutError,
    LifePayValidationError,
    Position,
    Receipt,
    status_of,
)
from custom_components.lifepay.jobs import (
    AWAITING_CALLBACK_STATUSES,
    CORRECTABLE_STATUSES,
    FINAL_STATUSES,
    RESTARTABLE_STATUSES,
    SENDING_STATUSES,
    Change,
    ForgedCallbackError,
    JobStatus,
    Ledger,
    PrintJob,
    Problem,
    Submission,
    UnknownJobError,
)
from custom_components.lifepay.sales import SaleKind, receipt_as_dict

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=20)  # tries at 0, 1, 4, 9, 19 minutes fit; the next does not
CONFIRM = timedelta(hours=2)
KEPT = 2  # small, so pruning happens
PRINTERS = ("printer-1", "printer-2")
KINDS = (*DocumentKind, *SaleKind)
SALES = {
    SaleKind.RECEIPT: receipt_as_dict(
        Receipt((Position("Кофе", "199.99", 1, "vat20"),), card_amount="50.00")
    ),
    SaleKind.CASH_IN: {"amount": "5000.00", "total": "5000.00"},
    SaleKind.CASH_OUT: {"amount": "1234.50", "total": "1234.50"},
}
CALLER_EXT_IDS = ("caller-1", "caller-2", "caller-3")
WORDS = ("processed", "awaiting_retry", "error", "success", "fail", " Processed ", "printing", None)
STEPS = (
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=3),
    timedelta(minutes=10),
    timedelta(minutes=19),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(days=1),
)
TRANSPORT_ERRORS = (
    LifePayHttpStatusError("Bad gateway", http_status=502),
    LifePayTimeoutError("No answer"),
    LifePayConnectionError("Connection refused"),
    LifePayMalformedResponseError("Not the envelope"),
)
REFUSALS = (
    LifePayValidationError("Invalid", code=400, field_errors={"target_serial": ("Нет такого",)}),
    LifePayAuthError("No such login", code=6009),
)

ANSWERS = st.sampled_from(("accepted", "refused", "transport", "later"))
"""What LifePay does with a send: take it, refuse it, give no usable answer, or answer later."""


@dataclass(frozen=True, slots=True)
class Send:
    """One request that went to LifePay: what the ledger let out, and when."""

    ext_id: str
    ledger: int
    now: datetime
    window_end: datetime
    ledger_closed: bool
    status: JobStatus
    sale: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Seen:
    status: JobStatus
    requested_at: datetime


def snapshot(ledger: Ledger) -> dict[str, dict[str, Any]]:
    return {job.ext_id: job.as_dict() for job in ledger}


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.ledger = self._new_ledger()
        self.ledger_number = 0
        self.closed_ledgers: list[Ledger] = []
        self.sends: list[Send] = []
        self.in_flight: dict[str, PrintJob] = {}
        """Sends of the current ledger whose answer has not come yet, by ext_id."""
        self.lifepay: dict[str, tuple[str, str]] = {}
        """The documents LifePay made: ext_id -> its uuid (one per ext_id, as LifePay does) and
        the secret it echoes (the one sent with the first request that made it)."""
        self.made: dict[str, int] = {}
        """How many times a job was made with each ext_id."""
        self.asked_sale: dict[str, dict[str, Any]] = {}
        """What each sale was asked with, by ext_id: every send of it must carry exactly this."""
        self.genuine: list[CallbackNotification] = []
        self.uuids = 0
        self.seen: dict[str, Seen] = {}
        # What the last step did, for (c): jobs LifePay spoke about, jobs restarted.
        self.lifepay_spoke: set[str] = set()
        self.restarted: set[str] = set()

    @staticmethod
    def _new_ledger() -> Ledger:
        return Ledger(WINDOW, CONFIRM, finished_kept=KEPT)

    def _uuid(self) -> str:
        self.uuids += 1
        return f"uuid-{self.uuids}"

    def _jobs(self) -> list[PrintJob]:
        return list(self.ledger)  # insertion order: deterministic (ext_ids are random)

    # --- calling the ledger, checking what it says it did -----------------------------------

    def _reported(self, before: dict[str, dict[str, Any]], changes: list[Change]) -> None:
        """Every job the call changed is in ``changes`` (the owner saves and tells only those),
        and the last change of each says the status the job has now."""
        changed = {change.job.ext_id for change in changes}
        for job in self.ledger:
            if job.ext_id in before and before[job.ext_id] != job.as_dict():
                assert job.ext_id in changed, f"{job.ext_id} changed silently"
        last: dict[int, Change] = {}
        for change in changes:
            last[id(change.job)] = change
        for change in last.values():
            assert change.status is change.job.status

    def _try(self, job: PrintJob, answer: str, callback_expected: bool, reached: bool) -> None:
        """The owner's try: the ledger decides whether it goes, LifePay answers (or not yet)."""
        if job.ext_id in self.in_flight:
            return  # the owner joins the send under way
        status, window_end = job.status, self.ledger.send_by(job)
        before = snapshot(self.ledger)
        send, changes = self.ledger.attempt(job, self.now)
        self._reported(before, changes)
        if not send:
            assert self.ledger.closed or status not in SENDING_STATUSES or self.now > window_end
            if status in SENDING_STATUSES and not self.ledger.closed:
                assert job.status is JobStatus.FAILED
                expected = (
                    Problem.GAVE_UP
                    if status is JobStatus.RETRYING and before[job.ext_id]["problem"]
                    else Problem.EXPIRED
                )
                assert job.problem is expected
            else:
                assert changes == []
            return
        self.sends.append(
            Send(
                job.ext_id,
                self.ledger_number,
                self.now,
                window_end,
                self.ledger.closed,
                status,
                json.loads(json.dumps(job.sale)),
            )
        )
        self._check_send(self.sends[-1])
        if answer == "later":
            self.in_flight[job.ext_id] = job
        else:
            self._answer(job, answer, callback_expected, reached)

    def _answer(self, job: PrintJob, answer: str, callback_expected: bool, reached: bool) -> None:
        before = snapshot(self.ledger)
        before_job = job.as_dict()
        status = job.status
        if answer == "refused" and job.ext_id in self.lifepay:
            answer = "accepted"  # LifePay answers a known ext_id with its first document
        if answer == "accepted":
            uuid = self._lifepay_has(job)
            held = self.ledger.get(job.ext_id) is job
            changes = self.ledger.accepted(job, uuid, self.now, callback_expected=callback_expected)
            if not held:  # forgotten (pruned) while LifePay was asked: it stays forgotten
                assert changes == []
                assert job.as_dict() == before_job
            elif status in SENDING_STATUSES or status in CORRECTABLE_STATUSES:
                assert job.uuid == uuid
                expected = JobStatus.ACCEPTED if callback_expected else JobStatus.SENT
                assert job.status is expected
                self.lifepay_spoke.add(job.ext_id)
            else:
                assert job.uuid == uuid
                assert job.status is status  # a callback said more already
        elif answer == "refused":
            error = REFUSALS[self.uuids % len(REFUSALS)]
            changes = self.ledger.refused(job, error, self.now)
            expected = JobStatus.REJECTED if status in SENDING_STATUSES else status
            assert job.status is expected
        else:
            if reached:  # the request got there; the answer did not come back
                self._lifepay_has(job)
            error: LifePayError = TRANSPORT_ERRORS[len(self.sends) % len(TRANSPORT_ERRORS)]
            changes = self.ledger.unanswered(job, error, self.now)
            if status not in SENDING_STATUSES:
                assert changes == []
                assert job.status is status
            elif job.status is JobStatus.RETRYING:
                delay = self.ledger.schedule.delay_after(max(job.attempts, 1))
                assert job.next_attempt_at == self.now + delay
                assert job.next_attempt_at <= self.ledger.send_by(job)
            else:
                assert job.status is JobStatus.FAILED
                assert job.problem is Problem.GAVE_UP
                delay = self.ledger.schedule.delay_after(max(job.attempts, 1))
                assert self.now + delay > self.ledger.send_by(job)
        self._reported(before, changes)

    def _check_send(self, send: Send) -> None:
        assert not send.ledger_closed, f"a closed ledger sent {send.ext_id}"
        assert send.now <= send.window_end, f"{send.ext_id} sent past its window"
        assert send.status in SENDING_STATUSES, f"{send.ext_id} sent while {send.status}"
        if send.ext_id in self.asked_sale and send.ledger >= 0:
            assert send.sale == self.asked_sale[send.ext_id], f"{send.ext_id}: another sale"

    # --- people -------------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        self._remember_statuses()

    @rule(
        printer=st.sampled_from(PRINTERS),
        kind=st.sampled_from(KINDS),
        ext_id=st.none() | st.sampled_from(CALLER_EXT_IDS),
        answer=ANSWERS,
        callback_expected=st.booleans(),
        reached=st.booleans(),
        callbacks_arrive=st.booleans(),
    )
    def press(
        self,
        printer: str,
        kind: DocumentKind | SaleKind,
        ext_id: str | None,
        answer: str,
        callback_expected: bool,
        reached: bool,
        callbacks_arrive: bool,
    ) -> None:
        is_sale = isinstance(kind, SaleKind)
        jobs = self._jobs()
        held = [job.ext_id for job in jobs]
        known = self.ledger.get(ext_id) if ext_id is not None else None
        latest = self.ledger.latest(printer, kind)
        latest_was_sending = (
            not is_sale
            and latest is not None
            and latest.status in SENDING_STATUSES
            and self.now <= self.ledger.send_by(latest)
        )
        latest_under_way = (
            not is_sale
            and callbacks_arrive
            and latest is not None
            and latest.status in AWAITING_CALLBACK_STATUSES
            and (latest.confirm_by is None or self.now < latest.confirm_by)
        )
        known_status = known.status if known else None
        known_overdue = known is not None and self.now > self.ledger.send_by(known)
        before = snapshot(self.ledger)
        sale = SALES.get(kind) if is_sale else None
        submitted = self.ledger.submit(
            printer,
            kind,
            self.now,
            ext_id=ext_id,
            callbacks_arrive=callbacks_arrive,
            sale=dict(sale) if sale is not None else None,
        )
        job = submitted.job
        self._reported(before, submitted.changes)

        if known is not None:
            assert submitted.how is Submission.REPEAT
            assert job is known
            assert [job.ext_id for job in self.ledger] == held  # no second job
            if known_status in RESTARTABLE_STATUSES or (
                known_status in SENDING_STATUSES and known_overdue
            ):
                assert job.status is JobStatus.PENDING
                assert job.requested_at == self.now
                self.restarted.add(job.ext_id)
            else:
                assert submitted.changes == []
        elif ext_id is None and latest_was_sending:
            assert submitted.how is Submission.RESENT
            assert job is latest
            assert submitted.changes == []
            assert [job.ext_id for job in self.ledger] == held
        elif ext_id is None and latest_under_way:
            # LifePay has it and owes its word: a second tap makes nothing and sends nothing.
            assert submitted.how is Submission.UNDER_WAY
            assert job is latest
            assert submitted.changes == []
            assert [job.ext_id for job in self.ledger] == held
        else:
            assert submitted.how is Submission.NEW
            assert job.ext_id not in held
            assert job.ext_id == ext_id if ext_id is not None else job.ext_id not in self.made
            assert (job.status, job.requested_at, job.attempts) == (
                JobStatus.PENDING,
                self.now,
                0,
            )
            assert [change.job for change in submitted.changes if change.previous is None] == [job]
            self.made[job.ext_id] = self.made.get(job.ext_id, 0) + 1
            if is_sale:
                assert job.sale == sale
                if ext_id is None:  # a caller's ext_id may be reused once forgotten
                    self.asked_sale[job.ext_id] = dict(job.sale)
            assert self.ledger.get(job.ext_id) is job
            assert self.ledger.latest(printer, kind) is job
            # Only finished jobs are forgotten (the one this press ended, too), only as many as
            # over the cap.
            gone = [job for job in jobs if self.ledger.get(job.ext_id) is None]
            assert all(job.final for job in gone)
            assert sum(job.final for job in self.ledger) <= KEPT
            assert gone == [] or sum(job.final for job in self.ledger) == KEPT

        if job.status in SENDING_STATUSES:
            self._try(job, answer, callback_expected, reached)

    @precondition(lambda self: bool(self.in_flight))
    @rule(
        data=st.data(),
        answer=ANSWERS,
        callback_expected=st.booleans(),
        reached=st.booleans(),
    )
    def press_while_waiting(
        self, data: st.DataObject, answer: str, callback_expected: bool, reached: bool
    ) -> None:
        """A person presses again while LifePay has not answered yet (in time, or not)."""
        job = data.draw(st.sampled_from(list(self.in_flight.values())), label="waiting")
        self.press(job.printer_id, job.kind, None, answer, callback_expected, reached, True)

    @precondition(lambda self: any(job.status is JobStatus.FAILED for job in self.ledger))
    @rule(
        printer=st.sampled_from(PRINTERS),
        answer=ANSWERS,
        callback_expected=st.booleans(),
        reached=st.booleans(),
    )
    def send_again(self, printer: str, answer: str, callback_expected: bool, reached: bool) -> None:
        """A person's repair: every document of the printer that was given up, sent again."""
        for job in self.ledger.given_up(printer):
            assert job.status is JobStatus.FAILED
            before = snapshot(self.ledger)
            changes = self.ledger.restart(job, self.now)
            self._reported(before, changes)
            assert (job.status, job.requested_at, job.attempts) == (
                JobStatus.PENDING,
                self.now,
                0,
            )
            self.restarted.add(job.ext_id)
            self._try(job, answer, callback_expected, reached)

    # --- LifePay ------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.in_flight))
    @rule(data=st.data(), callback_expected=st.booleans(), reached=st.booleans())
    def lifepay_answers(self, data: st.DataObject, callback_expected: bool, reached: bool) -> None:
        ext_id = data.draw(st.sampled_from(list(self.in_flight)), label="in flight")
        answer = data.draw(st.sampled_from(("accepted", "refused", "transport")), label="answer")
        job = self.in_flight.pop(ext_id)
        self._answer(job, answer, callback_expected, reached)

    @precondition(lambda self: bool(self.lifepay))
    @rule(
        data=st.data(),
        word=st.sampled_from(WORDS),
        names=st.sampled_from(("both", "uuid", "ext_id", "neither")),
    )
    def callback(self, data: st.DataObject, word: str | None, names: str) -> None:
        """LifePay reports on a document it has, naming it as it pleases."""
        ext_id = data.draw(st.sampled_from(list(self.lifepay)), label="document")
        held = self.ledger.get(ext_id)
        uuid, token = self.lifepay[ext_id]
        notification = CallbackNotification(
            uuid=uuid if names in ("both", "uuid") else None,
            ext_id=ext_id if names in ("both", "ext_id") else None,
            status=status_of(word),
            status_word=word,
            message="Нет бумаги" if word == "awaiting_retry" else "",
            callback_data={"token": token, "data": None},
        )
        self.genuine.append(notification)
        self._deliver(notification, held, genuine=True)

    @precondition(lambda self: bool(self.genuine))
    @rule(data=st.data())
    def callback_again(self, data: st.DataObject) -> None:
        """A callback that comes again, or late (after the job moved on, or after a restart)."""
        notification = data.draw(st.sampled_from(self.genuine), label="replayed")
        held = self.ledger.get(notification.ext_id) if notification.ext_id else None
        if held is None and notification.uuid is not None:
            ext_id = next(
                key for key, (uuid, _) in self.lifepay.items() if uuid == notification.uuid
            )
            held = self.ledger.get(ext_id)
        if held is None:
            held = next(
                (job for job in self.ledger if job.token == _token(notification)),
                None,
            )
        self._deliver(notification, held, genuine=True)

    @precondition(lambda self: len(self.ledger) > 0)
    @rule(
        data=st.data(),
        how=st.sampled_from(("forged token", "wrong uuid", "unknown document")),
        word=st.sampled_from(WORDS),
    )
    def bad_callback(self, data: st.DataObject, how: str, word: str | None) -> None:
        """Someone else's callback: a guessed secret, another document's uuid, no such job."""
        job = data.draw(st.sampled_from(self._jobs()), label="job")
        names = data.draw(st.sampled_from(("uuid", "ext_id", "both")), label="names")
        uuid, ext_id, token = job.uuid, job.ext_id, job.token
        if how == "forged token":
            token = "forged-" + job.token[:8]
        elif how == "wrong uuid":
            uuid = self._uuid()  # a uuid LifePay never gave this job
            names = "both" if job.uuid is None or names == "ext_id" else names
        else:
            uuid, ext_id, token = self._uuid(), "never-asked", "forged"
        notification = CallbackNotification(
            uuid=uuid if names in ("both", "uuid") else None,
            ext_id=ext_id if names in ("both", "ext_id") else None,
            status=status_of(word),
            status_word=word,
            message="",
            callback_data={"token": token, "data": None},
        )
        before = self.ledger.as_dict()
        if how == "wrong uuid" and job.uuid is None:
            # The job's own secret and ext_id: LifePay's word, its uuid adopted.
            found = self.ledger.find_authentic(notification)
            assert found is job
            self._deliver(notification, job, genuine=False)
            assert job.uuid == uuid
            return
        refusals: type[Exception] = ForgedCallbackError
        if how == "unknown document" or (how == "wrong uuid" and names == "uuid"):
            refusals = UnknownJobError  # a uuid, an ext_id nobody knows
        if how == "forged token" and names == "uuid" and job.uuid is None:
            refusals = UnknownJobError  # named by nothing: its secret is all there is
        with pytest.raises(refusals):
            self.ledger.find_authentic(notification)
        assert self.ledger.as_dict() == before

    def _deliver(
        self, notification: CallbackNotification, held: PrintJob | None, *, genuine: bool
    ) -> None:
        """Apply a callback as the owner does, checking who it reached and what it did."""
        before = snapshot(self.ledger)
        try:
            job = self.ledger.find_authentic(notification)
        except UnknownJobError:
            # Only a job this ledger does not hold, or one named by a uuid it never learnt.
            assert not _findable(notification, held), "a callback about a held job was lost"
            return
        except ForgedCallbackError:
            # LifePay's document was made for an earlier job of this ext_id (one the ledger
            # forgot), or the job learnt another uuid from a callback with its secret.
            assert held is not None
            assert held.token != _token(notification) or (
                held.uuid is not None and held.uuid != notification.uuid
            )
            return
        assert self.ledger.get(job.ext_id) is job, "a callback reached a job the ledger lost"
        assert job is held
        assert _findable(notification, held)
        status = job.status
        changes = self.ledger.apply_callback(job, notification, self.now)
        self._reported(before, changes)
        assert job.lifepay_status == notification.status_word
        moves = status not in FINAL_STATUSES or status in CORRECTABLE_STATUSES
        if notification.status is None or not moves:
            assert job.status is status
        else:
            assert job.status.value == notification.status.value
        self.lifepay_spoke.add(job.ext_id)
        if job.status not in SENDING_STATUSES:
            assert job.next_attempt_at is None

    def _lifepay_has(self, job: PrintJob) -> str:
        """LifePay makes the document for the job's ext_id, if it has none yet; its uuid."""
        if job.ext_id not in self.lifepay:
            self.lifepay[job.ext_id] = (self._uuid(), job.token)
        return self.lifepay[job.ext_id][0]

    # --- time ---------------------------------------------------------------------------------

    @rule(step=st.sampled_from(STEPS), data=st.data())
    def time_passes(self, step: timedelta, data: st.DataObject) -> None:
        self.now += step
        self._timers_fire(data)

    @precondition(
        lambda self: any(
            job.status in SENDING_STATUSES or job.status in AWAITING_CALLBACK_STATUSES
            for job in self.ledger
        )
    )
    @rule(data=st.data(), offset=st.sampled_from((-1, 0, 1)))
    def time_reaches_a_deadline(self, data: st.DataObject, offset: int) -> None:
        """The clock stops just before, at or just after a moment the rules turn on."""
        moments = []
        for job in self.ledger:
            if job.status in SENDING_STATUSES:
                moments += [self.ledger.send_by(job), job.next_attempt_at]
            if job.confirm_by is not None:
                moments.append(job.confirm_by)
        moments = [moment for moment in moments if moment is not None and moment > self.now]
        if not moments:
            return
        moment = data.draw(st.sampled_from(sorted(moments)), label="deadline")
        self.now = max(self.now, moment + timedelta(microseconds=offset))
        self._timers_fire(data)

    def _timers_fire(self, data: st.DataObject) -> None:
        """Every timer the owner armed that is due now: retries, then confirmation deadlines."""
        for job in self.ledger.unfinished():
            if job.ext_id in self.in_flight:
                continue
            due = job.next_attempt_at or self.now  # armed at start-up for now
            if due <= self.now:
                answer = data.draw(ANSWERS, label=f"answer to {job.ext_id}")
                self._try(job, answer, data.draw(st.booleans()), data.draw(st.booleans()))
        for job in self._jobs():
            before = snapshot(self.ledger)
            status, confirm_by = job.status, job.confirm_by
            changes = self.ledger.unconfirmed(job, self.now)
            self._reported(before, changes)
            due = (
                status in AWAITING_CALLBACK_STATUSES
                and confirm_by is not None
                and self.now >= confirm_by
            )
            assert bool(changes) == due
            assert job.status is (JobStatus.UNCONFIRMED if due else status)

    # --- Home Assistant restarting ------------------------------------------------------------

    @rule(lost_in_flight=st.booleans(), downtime=st.sampled_from(STEPS))
    def restart_home_assistant(self, lost_in_flight: bool, downtime: timedelta) -> None:
        """Unload (the old ledger closed, its sends under way cancelled), stay down a while
        (no timer fires), then start again from what was saved, ending what ran out of time
        meanwhile."""
        old = self.ledger
        old.close()
        self.now += downtime
        for job in self.in_flight.values():
            if not lost_in_flight:  # the cancelled request had reached LifePay
                self._lifepay_has(job)
        self.in_flight.clear()
        saved = json.loads(json.dumps(old.as_dict()))
        self.closed_ledgers.append(old)
        new = self._new_ledger()
        assert new.load(saved, self.now) == 0
        self.ledger = new
        self.ledger_number += 1
        assert snapshot(new) == snapshot(old)
        before = snapshot(new)
        changes = new.expire_overdue(self.now)
        self._reported(before, changes)
        overdue = [
            job.ext_id
            for job in old
            if job.status in SENDING_STATUSES and self.now > old.send_by(job)
        ]
        assert [change.job.ext_id for change in changes] == overdue
        for job in new:
            old_job = old.get(job.ext_id)
            assert old_job is not None
            if job.ext_id in overdue:
                assert job.status is JobStatus.FAILED
            else:
                assert job.as_dict() == old_job.as_dict()
        assert all(self.now <= new.send_by(job) for job in new.unfinished())

    @precondition(lambda self: bool(self.closed_ledgers))
    @rule(data=st.data())
    def old_timer_fires(self, data: st.DataObject) -> None:
        """A timer of an unloaded account that was not cancelled: nothing goes out."""
        old = data.draw(st.sampled_from(self.closed_ledgers), label="old ledger")
        jobs = list(old)
        if not jobs:
            return
        job = data.draw(st.sampled_from(jobs), label="old job")
        before = job.as_dict()
        send, changes = old.attempt(job, self.now)
        if send:
            self.sends.append(
                Send(job.ext_id, -1, self.now, old.send_by(job), old.closed, job.status)
            )
        assert (send, changes) == (False, [])
        assert job.as_dict() == before

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def one_ext_id_per_intent(self) -> None:
        ext_ids = [job.ext_id for job in self.ledger]
        assert len(ext_ids) == len(set(ext_ids))
        for ext_id, times in self.made.items():
            assert times == 1 or ext_id in CALLER_EXT_IDS, f"{ext_id} made {times} times"

    @invariant()
    def a_sale_keeps_what_it_was_asked_with(self) -> None:
        for job in self.ledger:
            if job.ext_id in self.asked_sale:
                assert job.sale == self.asked_sale[job.ext_id]
            assert (job.sale is not None) is isinstance(job.kind, SaleKind)
        for ext_id in self.asked_sale:
            assert self.made[ext_id] == 1, f"the sale {ext_id} was made twice"

    @invariant()
    def nothing_sent_out_of_time(self) -> None:
        for send in self.sends:
            self._check_send(send)

    @invariant()
    def statuses_and_their_moves(self) -> None:
        assert set(JobStatus) == SENDING_STATUSES | AWAITING_CALLBACK_STATUSES | FINAL_STATUSES
        assert not SENDING_STATUSES & AWAITING_CALLBACK_STATUSES
        assert not SENDING_STATUSES & FINAL_STATUSES
        assert not AWAITING_CALLBACK_STATUSES & FINAL_STATUSES
        jobs = self._jobs()
        assert self.ledger.unfinished() == [job for job in jobs if job.status in SENDING_STATUSES]
        assert self.ledger.awaiting_callback() == [
            job for job in jobs if job.status in AWAITING_CALLBACK_STATUSES
        ], "LifePay owes a report on a job with no deadline for it"
        for printer in PRINTERS:
            assert self.ledger.given_up(printer) == [
                job for job in jobs if job.printer_id == printer and job.status is JobStatus.FAILED
            ]
        for job in jobs:
            assert isinstance(job.status, JobStatus)
            if job.final:
                assert job.next_attempt_at is None
            if job.next_attempt_at is not None:
                assert job.status is JobStatus.RETRYING
                assert job.next_attempt_at <= self.ledger.send_by(job)
            seen = self.seen.get(job.ext_id)
            if seen is None:
                continue
            if job.requested_at != seen.requested_at:
                assert job.ext_id in self.restarted, f"{job.ext_id}: a new window, unasked"
                assert job.requested_at == self.now
            if seen.status in FINAL_STATUSES and job.status is not seen.status:
                by_lifepay = seen.status in CORRECTABLE_STATUSES and (
                    job.ext_id in self.lifepay_spoke
                )
                by_restart = seen.status in RESTARTABLE_STATUSES and job.ext_id in self.restarted
                assert by_lifepay or by_restart, (
                    f"{job.ext_id} left its end {seen.status} for {job.status}"
                )
        self._remember_statuses()

    @invariant()
    def finds_only_what_it_holds(self) -> None:
        """A callback reaches only a job the ledger holds (and so saves): a forgotten job is
        not brought back by a late answer about it."""
        for uuid, token in self.lifepay.values():
            notification = CallbackNotification(
                uuid=uuid,
                ext_id=None,
                status=None,
                status_word="printing",
                message="",
                callback_data={"token": token, "data": None},
            )
            try:
                job = self.ledger.find_authentic(notification)
            except (UnknownJobError, ForgedCallbackError):
                continue
            assert self.ledger.get(job.ext_id) is job, f"{job.ext_id} found, yet forgotten"

    @invariant()
    def saved_state_loads_back(self) -> None:
        saved = self.ledger.as_dict()
        again = self._new_ledger()
        assert again.load(json.loads(json.dumps(saved)), self.now) == 0
        assert again.as_dict() == saved
        assert list(again) == list(self.ledger)
        assert [job.ext_id for job in again.unfinished()] == [
            job.ext_id for job in self.ledger.unfinished()
        ]
        assert [job.ext_id for job in again.awaiting_callback()] == [
            job.ext_id for job in self.ledger.awaiting_callback()
        ]
        for job in self.ledger:
            copy = again.get(job.ext_id)
            assert copy is not None
            if job.uuid is not None:
                found = again.find_authentic(_notification(job, uuid=job.uuid))
                assert found is copy

    def _remember_statuses(self) -> None:
        self.seen = {job.ext_id: Seen(job.status, job.requested_at) for job in self.ledger}
        self.lifepay_spoke.clear()
        self.restarted.clear()

    def teardown(self) -> None:
        self.ledger.close()


def _token(notification: CallbackNotification) -> str | None:
    data = notification.callback_data
    return data.get("token") if isinstance(data, dict) else None  # type: ignore[return-value]


def _findable(notification: CallbackNotification, held: PrintJob | None) -> bool:
    """Whether the documented look-up (by uuid, else by ext_id, else by the secret alone when
    LifePay names neither) reaches ``held``."""
    if held is None:
        return False
    if notification.uuid is not None and notification.uuid == held.uuid:
        return True
    if notification.ext_id is not None:
        return notification.ext_id == held.ext_id
    return notification.uuid is None and _token(notification) == held.token


def _notification(job: PrintJob, *, uuid: str | None) -> CallbackNotification:
    return CallbackNotification(
        uuid=uuid,
        ext_id=None,
        status=None,
        status_word="printing",
        message="",
        callback_data={"token": job.token, "data": None},
    )


LedgerMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
TestLedgerMachine = LedgerMachine.TestCase
