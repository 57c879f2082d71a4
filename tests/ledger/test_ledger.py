"""The ledger's rules, one behaviour at a time, on a fake clock (plain datetimes moved by hand).

Nothing here runs Home Assistant: the ledger is plain Python and every step takes ``now``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.lifepay.api import (
    CallbackNotification,
    Cashier,
    DocumentKind,
    LifePayAuthError,
    LifePayConnectionError,
    LifePayHttpStatusError,
    LifePayTimeoutError,
    LifePayValidationError,
    status_of,
)
from custom_components.lifepay.jobs import (
    FINAL_STATUSES,
    ForgedCallbackError,
    JobStatus,
    Ledger,
    PrintJob,
    Problem,
    Submission,
    UnknownJobError,
    net_steps,
    problem_in_words,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=20)
CONFIRM = timedelta(hours=2)
PRINTER = "printer-1"
X = DocumentKind.X_REPORT
Z = DocumentKind.Z_REPORT
MINUTE = timedelta(minutes=1)
TICK = timedelta(microseconds=1)


def ledger(**kwargs: object) -> Ledger:
    return Ledger(WINDOW, CONFIRM, **kwargs)  # type: ignore[arg-type]


def new_job(book: Ledger, now: datetime = T0, **kwargs: object) -> PrintJob:
    submitted = book.submit(PRINTER, kwargs.pop("kind", X), now, **kwargs)  # type: ignore[arg-type]
    assert submitted.how is Submission.NEW
    return submitted.job


def sent(book: Ledger, job: PrintJob, now: datetime) -> None:
    """The owner's try that went out."""
    send, _changes = book.attempt(job, now)
    assert send


def transport_failure(book: Ledger, job: PrintJob, now: datetime) -> None:
    sent(book, job, now)
    book.unanswered(job, LifePayHttpStatusError("Bad gateway", http_status=502), now)


def accepted(book: Ledger, job: PrintJob, now: datetime, uuid: str = "uuid-1") -> None:
    sent(book, job, now)
    book.accepted(job, uuid, now, callback_expected=True)


def callback(
    job: PrintJob | None,
    word: str | None = "processed",
    *,
    uuid: str | None = None,
    ext_id: str | None = None,
    token: str | None = None,
    message: str = "",
) -> CallbackNotification:
    secret = token if token is not None else (job.token if job else "")
    return CallbackNotification(
        uuid=uuid,
        ext_id=ext_id,
        status=status_of(word),
        status_word=word,
        message=message,
        callback_data={"token": secret, "data": None},
    )


def deliver(book: Ledger, notification: CallbackNotification, now: datetime) -> PrintJob:
    job = book.find_authentic(notification)
    book.apply_callback(job, notification, now)
    return job


# --- the window -------------------------------------------------------------------------------


def test_a_job_is_sent_up_to_the_last_moment_of_its_window() -> None:
    book = ledger()
    job = new_job(book)
    send, changes = book.attempt(job, T0 + WINDOW)
    assert send
    assert job.attempts == 1
    assert [(change.previous, change.status) for change in changes] == [
        (JobStatus.PENDING, JobStatus.PENDING)
    ]


def test_a_never_retried_job_past_its_window_is_not_sent_and_expires() -> None:
    book = ledger()
    job = new_job(book)
    send, changes = book.attempt(job, T0 + WINDOW + TICK)
    assert not send
    assert job.attempts == 0
    assert job.status is JobStatus.FAILED
    assert job.problem is Problem.EXPIRED
    assert job.problem_details["attempts"] == "0"
    assert job.problem_details["minutes"] == "20"
    assert [(change.previous, change.status) for change in changes] == [
        (JobStatus.PENDING, JobStatus.FAILED)
    ]
    # Asked again (a stale timer): still not sent, and nothing more changes.
    assert book.attempt(job, T0 + 2 * WINDOW) == (False, [])


def test_a_retrying_job_past_its_window_gives_up_naming_the_last_problem() -> None:
    book = ledger()
    job = new_job(book)
    transport_failure(book, job, T0)
    assert job.status is JobStatus.RETRYING
    send, _changes = book.attempt(job, T0 + WINDOW + TICK)
    assert not send
    assert job.status is JobStatus.FAILED
    assert job.problem is Problem.GAVE_UP
    assert job.problem_details["last_problem"] == Problem.HTTP_STATUS.value
    assert job.problem_details["last_status"] == "502"
    assert job.problem_details["attempts"] == "1"
    assert job.next_attempt_at is None


def test_nothing_is_sent_after_close_and_nothing_is_ended_either() -> None:
    book = ledger()
    fresh = new_job(book)
    overdue = new_job(book, kind=Z)
    book.close()
    assert book.attempt(fresh, T0) == (False, [])
    assert book.attempt(overdue, T0 + 2 * WINDOW) == (False, [])
    assert overdue.status is JobStatus.PENDING  # the next owner decides, not a closed one
    assert book.expire_overdue(T0 + 2 * WINDOW) == []
    error = LifePayTimeoutError("slow")
    assert book.unanswered(fresh, error, T0 + 2 * WINDOW) == []
    assert fresh.status is JobStatus.PENDING


def test_expire_overdue_ends_every_overdue_sending_job_and_nothing_else() -> None:
    book = ledger()
    overdue_pending = new_job(book, ext_id="a")
    overdue_retrying = new_job(book, ext_id="b")
    transport_failure(book, overdue_retrying, T0)
    in_window = new_job(book, T0 + MINUTE, ext_id="c")
    waiting = new_job(book, ext_id="d")
    accepted(book, waiting, T0, uuid="u-d")
    refused = new_job(book, ext_id="e")
    sent(book, refused, T0)
    book.refused(refused, LifePayValidationError("bad", code=400), T0)

    now = T0 + WINDOW + TICK
    changes = book.expire_overdue(now)

    assert {change.job.ext_id for change in changes} == {"a", "b"}
    assert overdue_pending.problem is Problem.EXPIRED
    assert overdue_retrying.problem is Problem.GAVE_UP
    assert in_window.status is JobStatus.PENDING
    assert waiting.status is JobStatus.ACCEPTED  # LifePay has it: its deadline is another rule
    assert refused.status is JobStatus.REJECTED
    assert book.expire_overdue(now) == []


# --- presses and ext_ids ----------------------------------------------------------------------


def test_a_press_while_the_last_one_is_sending_in_its_window_resends_it() -> None:
    book = ledger()
    first = new_job(book)
    transport_failure(book, first, T0)
    submitted = book.submit(PRINTER, X, T0 + WINDOW)
    assert submitted.how is Submission.RESENT
    assert submitted.job is first
    assert submitted.changes == []
    assert len(book) == 1


def test_a_press_for_another_kind_or_printer_is_a_new_job() -> None:
    book = ledger()
    first = new_job(book)
    assert book.submit(PRINTER, Z, T0).how is Submission.NEW
    other = book.submit("printer-2", X, T0)
    assert other.how is Submission.NEW
    assert other.job.ext_id != first.ext_id


def test_a_press_after_the_last_ones_window_fails_it_and_makes_a_new_job() -> None:
    book = ledger()
    first = new_job(book)
    transport_failure(book, first, T0)
    now = T0 + WINDOW + TICK
    submitted = book.submit(PRINTER, X, now)
    assert submitted.how is Submission.NEW
    assert submitted.job is not first
    assert submitted.job.ext_id != first.ext_id
    assert submitted.job.requested_at == now
    assert first.status is JobStatus.FAILED
    assert first.problem is Problem.GAVE_UP
    assert [(change.job, change.previous, change.status) for change in submitted.changes] == [
        (first, JobStatus.RETRYING, JobStatus.FAILED),
        (submitted.job, None, JobStatus.PENDING),
    ]
    assert book.latest(PRINTER, X) is submitted.job


def test_a_press_while_lifepay_has_the_last_one_is_under_way_and_makes_nothing() -> None:
    book = ledger()
    first = new_job(book)
    accepted(book, first, T0)
    assert book.submit(PRINTER, X, T0 + MINUTE).how is Submission.UNDER_WAY
    book.apply_callback(first, callback(first, "awaiting_retry"), T0 + 2 * MINUTE)
    submitted = book.submit(PRINTER, X, T0 + 3 * MINUTE)
    assert (submitted.how, submitted.job, submitted.changes) == (Submission.UNDER_WAY, first, [])
    assert first.status is JobStatus.AWAITING_RETRY
    assert len(book) == 1


@pytest.mark.parametrize("word", ["processed", "error"])
def test_a_press_after_the_last_one_ended_is_a_new_job(word: str) -> None:
    book = ledger()
    first = new_job(book)
    accepted(book, first, T0)
    book.apply_callback(first, callback(first, word), T0 + MINUTE)
    submitted = book.submit(PRINTER, X, T0 + 2 * MINUTE)
    assert submitted.how is Submission.NEW
    assert submitted.job is not first


def test_a_press_past_the_confirmation_window_is_a_new_job() -> None:
    book = ledger()
    first = new_job(book)
    accepted(book, first, T0)
    assert first.confirm_by is not None
    assert book.submit(PRINTER, X, first.confirm_by - TICK).how is Submission.UNDER_WAY
    assert book.submit(PRINTER, X, first.confirm_by).how is Submission.NEW


def test_a_press_is_a_new_job_when_no_callback_can_arrive() -> None:
    """LifePay's cloud cannot reach Home Assistant: waiting for its word would block the
    printer's documents for the whole confirmation window."""
    book = ledger()
    first = new_job(book)
    accepted(book, first, T0)
    submitted = book.submit(PRINTER, X, T0 + MINUTE, callbacks_arrive=False)
    assert submitted.how is Submission.NEW
    assert first.status is JobStatus.ACCEPTED


def test_an_own_ext_id_is_a_new_job_even_while_one_is_under_way() -> None:
    book = ledger()
    accepted(book, new_job(book), T0)
    assert book.submit(PRINTER, X, T0 + MINUTE, ext_id="mine").how is Submission.NEW


# --- what LifePay's words mean ----------------------------------------------------------------


def test_lifepay_words_with_a_known_meaning_become_their_problem() -> None:
    """Matched loosely: case, ё, other wording around the known fragment."""
    examples = {
        "Смена не открыта.": Problem.SHIFT_NOT_OPEN,
        "ККТ: смена закрыта": Problem.SHIFT_NOT_OPEN,
        "Смена превысила 24 часа.": Problem.SHIFT_TOO_LONG,
        "Смена уже открыта.": Problem.SHIFT_ALREADY_OPEN,
        "В принтере закончилась бумага. Документ будет напечатан после замены.": (
            Problem.OUT_OF_PAPER
        ),
        "Принтер не в сети. Документ будет напечатан после подключения.": (Problem.PRINTER_OFFLINE),
        "ПРИНТЕР НЕ НА СВЯЗИ": Problem.PRINTER_OFFLINE,
        "Ошибка фискального накопителя": None,
        "": None,
        None: None,
    }
    assert {words: problem_in_words(words) for words in examples} == examples


@pytest.mark.parametrize(
    ("word", "message", "status", "problem"),
    [
        ("error", "Смена не открыта.", JobStatus.ERROR, Problem.SHIFT_NOT_OPEN),
        ("error", "Ошибка ФН 235", JobStatus.ERROR, Problem.PRINTER_ERROR),
        ("error", "", JobStatus.ERROR, Problem.PRINTER_ERROR),
        ("awaiting_retry", "Принтер не в сети.", JobStatus.AWAITING_RETRY, Problem.PRINTER_OFFLINE),
        ("awaiting_retry", "Ждём", JobStatus.AWAITING_RETRY, Problem.PRINTER_NOT_READY),
        ("processed", "Смена закрыта.", JobStatus.PROCESSED, None),
    ],
)
def test_a_callback_keeps_lifepay_words_and_names_their_problem(
    word: str, message: str, status: JobStatus, problem: Problem | None
) -> None:
    book = ledger()
    job = new_job(book, kind=Z)
    accepted(book, job, T0)
    book.apply_callback(job, callback(job, word, message=message), T0 + MINUTE)
    assert (job.status, job.problem, job.message) == (status, problem, message or None)


def test_a_refusal_whose_words_are_known_names_their_problem_and_keeps_the_code() -> None:
    book = ledger()
    job = new_job(book)
    sent(book, job, T0)
    book.refused(job, LifePayValidationError("Смена не открыта.", code=400), T0)
    assert (job.status, job.problem, job.problem_details) == (
        JobStatus.REJECTED,
        Problem.SHIFT_NOT_OPEN,
        {"code": "400"},
    )


def test_a_job_an_older_version_saved_gets_the_problem_of_its_words() -> None:
    book = ledger()
    job = new_job(book)
    accepted(book, job, T0)
    book.apply_callback(job, callback(job, "error", message="Смена не открыта."), T0)
    saved = json.loads(json.dumps(book.as_dict()))
    saved["jobs"][0]["problem"] = None
    restored = ledger()
    restored.load(saved, T0)
    assert restored.latest(PRINTER, X).problem is Problem.SHIFT_NOT_OPEN  # type: ignore[union-attr]


def test_a_known_ext_id_is_a_repeat_and_changes_nothing_while_it_is_alive() -> None:
    book = ledger()
    job = new_job(book, ext_id="mine")
    for now in (T0, T0 + WINDOW):
        submitted = book.submit(PRINTER, X, now, ext_id="mine")
        assert (submitted.job, submitted.how, submitted.changes) == (job, Submission.REPEAT, [])
    accepted(book, job, T0 + WINDOW)
    later = T0 + 10 * WINDOW
    submitted = book.submit(PRINTER, X, later, ext_id="mine")
    assert (submitted.how, submitted.changes) == (Submission.REPEAT, [])
    assert job.status is JobStatus.ACCEPTED
    assert job.requested_at == T0
    assert len(book) == 1


@pytest.mark.parametrize("end", [JobStatus.REJECTED, JobStatus.FAILED])
def test_a_known_ext_id_restarts_a_refused_or_failed_job_with_a_fresh_window(
    end: JobStatus,
) -> None:
    book = ledger()
    job = new_job(book, ext_id="mine")
    if end is JobStatus.REJECTED:
        sent(book, job, T0)
        book.refused(job, LifePayAuthError("no such login", code=6009), T0)
    else:
        transport_failure(book, job, T0)
        book.attempt(job, T0 + WINDOW + TICK)
    assert job.status is end
    now = T0 + 3 * WINDOW
    submitted = book.submit(PRINTER, X, now, ext_id="mine")
    assert submitted.how is Submission.REPEAT
    assert submitted.job is job
    assert [(change.previous, change.status) for change in submitted.changes] == [
        (end, JobStatus.PENDING)
    ]
    assert job.requested_at == now
    assert job.attempts == 0
    assert job.problem is None
    assert book.send_by(job) == now + WINDOW
    assert book.attempt(job, now + WINDOW)[0]


def test_a_known_ext_id_still_sending_past_its_window_is_restarted_not_sent_old() -> None:
    book = ledger()
    job = new_job(book, ext_id="mine")
    now = T0 + WINDOW + TICK
    submitted = book.submit(PRINTER, X, now, ext_id="mine")
    assert submitted.how is Submission.REPEAT
    assert job.status is JobStatus.PENDING
    assert job.requested_at == now
    assert book.attempt(job, now)[0]


# --- LifePay's answers ------------------------------------------------------------------------


def test_unanswered_retries_on_the_documented_schedule_then_gives_up() -> None:
    long_window = Ledger(timedelta(minutes=60), CONFIRM)
    job = new_job(long_window)
    now = T0
    waits = []
    while True:
        sent(long_window, job, now)
        long_window.unanswered(job, LifePayConnectionError("refused"), now)
        if job.status is not JobStatus.RETRYING:
            break
        assert job.problem is Problem.CONNECTION
        assert job.next_attempt_at is not None
        waits.append(job.next_attempt_at - now)
        now = job.next_attempt_at
    minutes = [wait / MINUTE for wait in waits]
    # Tries at 0, 1, 4, 9, 19, 29, 39, 49, 59; the next (69) would be past the hour.
    assert minutes == [1, 3, 5, 10, 10, 10, 10, 10]
    assert job.status is JobStatus.FAILED
    assert job.problem is Problem.GAVE_UP
    assert job.problem_details["last_problem"] == Problem.CONNECTION.value
    assert job.problem_details["attempts"] == "9"
    assert job.next_attempt_at is None


def test_a_retry_due_exactly_at_the_end_of_the_window_is_still_scheduled() -> None:
    book = Ledger(timedelta(minutes=4), CONFIRM)
    job = new_job(book)
    transport_failure(book, job, T0)  # next at 1
    transport_failure(book, job, T0 + MINUTE)  # next at 4: the window's last moment
    assert job.status is JobStatus.RETRYING
    assert job.next_attempt_at == T0 + 4 * MINUTE
    sent(book, job, T0 + 4 * MINUTE)
    book.unanswered(job, LifePayTimeoutError("slow"), T0 + 4 * MINUTE)
    assert job.status is JobStatus.FAILED


def test_an_answer_after_the_window_ran_out_gives_up_at_once() -> None:
    book = ledger()
    job = new_job(book)
    sent(book, job, T0 + WINDOW)
    book.unanswered(job, LifePayTimeoutError("slow"), T0 + WINDOW + timedelta(seconds=30))
    assert job.status is JobStatus.FAILED
    assert job.problem is Problem.GAVE_UP
    assert job.problem_details["last_problem"] == Problem.TIMEOUT.value


def test_a_refusal_ends_the_job_with_lifepays_words() -> None:
    book = ledger()
    job = new_job(book)
    sent(book, job, T0)
    error = LifePayValidationError(
        "Invalid", code=400, field_errors={"target_serial": ("Нет такого",)}
    )
    changes = book.refused(job, error, T0)
    assert [(change.previous, change.status) for change in changes] == [
        (JobStatus.PENDING, JobStatus.REJECTED)
    ]
    assert (job.code, job.message, job.problem) == (400, "Нет такого", Problem.REFUSED)
    assert job.problem_details == {"code": "400"}


def test_accepted_expects_a_callback_by_the_confirmation_deadline() -> None:
    book = ledger()
    job = new_job(book)
    sent(book, job, T0)
    book.accepted(job, "u-1", T0 + MINUTE, callback_expected=True)
    assert (job.status, job.uuid, job.code) == (JobStatus.ACCEPTED, "u-1", 0)
    assert job.confirm_by == T0 + MINUTE + CONFIRM
    other = new_job(book, kind=Z)
    sent(book, other, T0)
    book.accepted(other, "u-2", T0, callback_expected=False)
    assert (other.status, other.problem, other.confirm_by) == (
        JobStatus.SENT,
        Problem.NO_CALLBACK_URL,
        None,
    )


@pytest.mark.parametrize("word", ["processed", "error", "awaiting_retry"])
def test_accepted_after_a_callback_said_more_keeps_the_callbacks_status(word: str) -> None:
    book = ledger()
    job = new_job(book)
    sent(book, job, T0)
    deliver(book, callback(job, word, ext_id=job.ext_id, uuid="u-1"), T0)
    status = job.status
    changes = book.accepted(job, "u-1", T0 + MINUTE, callback_expected=True)
    assert job.status is status
    assert [change.status_changed for change in changes] == [False]
    assert book.refused(job, LifePayValidationError("late", code=400), T0) == []
    assert book.unanswered(job, LifePayTimeoutError("late"), T0) == []
    assert job.status is status


# --- callbacks --------------------------------------------------------------------------------


def test_a_callback_is_found_by_uuid_by_ext_id_or_by_token_alone() -> None:
    book = ledger()
    by_uuid = new_job(book)
    accepted(book, by_uuid, T0, uuid="u-1")
    by_ext_id = new_job(book, kind=Z)
    by_token = new_job(book, kind=DocumentKind.OPEN_SHIFT)
    assert book.find_authentic(callback(by_uuid, uuid="u-1")) is by_uuid
    assert book.find_authentic(callback(by_ext_id, ext_id=by_ext_id.ext_id)) is by_ext_id
    assert book.find_authentic(callback(by_token)) is by_token


def test_a_callback_with_a_new_uuid_for_a_job_without_one_adopts_it() -> None:
    book = ledger()
    job = new_job(book)
    transport_failure(book, job, T0)  # LifePay may have it after all
    deliver(book, callback(job, "processed", uuid="u-9", ext_id=job.ext_id), T0 + MINUTE)
    assert (job.status, job.uuid) == (JobStatus.PROCESSED, "u-9")
    assert job.next_attempt_at is None
    assert book.find_authentic(callback(job, uuid="u-9")) is job


def test_forged_secrets_and_mismatched_uuids_are_refused() -> None:
    book = ledger()
    job = new_job(book)
    accepted(book, job, T0, uuid="u-1")
    other = new_job(book, kind=Z)
    for notification in (
        callback(job, uuid="u-1", token="guess"),
        callback(job, ext_id=job.ext_id, token=""),
        callback(job, uuid="u-1", token=other.token),  # another job's secret
        callback(job, uuid="u-2", ext_id=job.ext_id),  # its secret, another document
    ):
        with pytest.raises(ForgedCallbackError):
            book.find_authentic(notification)
    assert job.status is JobStatus.ACCEPTED
    assert job.uuid == "u-1"


def test_callbacks_about_unknown_documents_are_refused() -> None:
    book = ledger()
    job = new_job(book)
    for notification in (
        callback(job, uuid="u-unknown"),
        callback(job, ext_id="never-asked"),
        callback(None, token="no-such-secret"),
        callback(None, token=""),
    ):
        with pytest.raises(UnknownJobError):
            book.find_authentic(notification)


@pytest.mark.parametrize(
    "end",
    [JobStatus.PROCESSED, JobStatus.ERROR, JobStatus.REJECTED],
)
@pytest.mark.parametrize("word", ["processed", "awaiting_retry", "error"])
def test_a_late_callback_never_moves_a_final_job(end: JobStatus, word: str) -> None:
    book = ledger()
    job = new_job(book)
    sent(book, job, T0)
    if end is JobStatus.REJECTED:
        book.refused(job, LifePayValidationError("bad", code=6000), T0)
    else:
        book.accepted(job, "u-1", T0, callback_expected=True)
        deliver(book, callback(job, end.value, uuid="u-1"), T0)
    assert job.status is end
    before = job.as_dict()
    changes = book.apply_callback(job, callback(job, word, uuid=job.uuid), T0 + MINUTE)
    assert job.status is end
    assert [change.status_changed for change in changes] == [False]
    assert {key: value for key, value in job.as_dict().items() if key != "lifepay_status"} == {
        key: value for key, value in before.items() if key != "lifepay_status"
    }


def test_a_repeated_callback_changes_nothing_but_the_deadline() -> None:
    book = ledger()
    job = new_job(book)
    accepted(book, job, T0, uuid="u-1")
    deliver(book, callback(job, "awaiting_retry", uuid="u-1"), T0 + MINUTE)
    assert job.confirm_by == T0 + MINUTE + CONFIRM
    deliver(book, callback(job, "awaiting_retry", uuid="u-1"), T0 + 2 * MINUTE)
    assert job.status is JobStatus.AWAITING_RETRY
    assert job.confirm_by == T0 + 2 * MINUTE + CONFIRM


@pytest.mark.parametrize("end", [JobStatus.FAILED, JobStatus.UNCONFIRMED, JobStatus.SENT])
def test_a_callback_corrects_an_end_home_assistant_reached_alone(end: JobStatus) -> None:
    book = ledger()
    job = new_job(book)
    if end is JobStatus.FAILED:
        transport_failure(book, job, T0)
        book.attempt(job, T0 + WINDOW + TICK)
    else:
        sent(book, job, T0)
        book.accepted(job, "u-1", T0, callback_expected=end is JobStatus.UNCONFIRMED)
        book.unconfirmed(job, T0 + CONFIRM)
    assert job.status is end
    later = T0 + 2 * CONFIRM
    deliver(book, callback(job, "processed", uuid="u-1", ext_id=job.ext_id), later)
    assert job.status is JobStatus.PROCESSED
    assert job.problem is None
    assert book.last_success(PRINTER, X) == later


def test_an_unknown_status_word_is_only_recorded() -> None:
    book = ledger()
    job = new_job(book)
    accepted(book, job, T0, uuid="u-1")
    before = job.as_dict()
    changes = book.apply_callback(job, callback(job, "printing", uuid="u-1"), T0 + MINUTE)
    assert [change.status_changed for change in changes] == [False]
    assert job.status is JobStatus.ACCEPTED
    assert job.lifepay_status == "printing"
    assert job.confirm_by == T0 + MINUTE + CONFIRM  # LifePay still works on it
    after = job.as_dict()
    assert {key for key in after if after[key] != before[key]} == {"lifepay_status", "confirm_by"}
    done = new_job(book, kind=Z)
    accepted(book, done, T0, uuid="u-2")
    deliver(book, callback(done, "processed", uuid="u-2"), T0)
    deliver(book, callback(done, None, uuid="u-2"), T0 + MINUTE)
    assert (done.status, done.lifepay_status) == (JobStatus.PROCESSED, None)


# --- the confirmation deadline ----------------------------------------------------------------


def test_unconfirmed_only_at_or_after_the_deadline() -> None:
    book = ledger()
    job = new_job(book)
    accepted(book, job, T0, uuid="u-1")
    assert book.unconfirmed(job, T0 + CONFIRM - TICK) == []
    assert job.status is JobStatus.ACCEPTED
    changes = book.unconfirmed(job, T0 + CONFIRM)
    assert [(change.previous, change.status) for change in changes] == [
        (JobStatus.ACCEPTED, JobStatus.UNCONFIRMED)
    ]
    assert (job.problem, job.problem_details, job.confirm_by) == (
        Problem.NO_CONFIRMATION,
        {"hours": "2"},
        None,
    )
    assert book.unconfirmed(job, T0 + 2 * CONFIRM) == []


def test_unconfirmed_leaves_jobs_lifepay_does_not_owe_a_callback_for() -> None:
    book = ledger()
    pending = new_job(book)
    done = new_job(book, kind=Z)
    accepted(book, done, T0, uuid="u-1")
    deliver(book, callback(done, "processed", uuid="u-1"), T0)
    late = T0 + 10 * CONFIRM
    assert book.unconfirmed(pending, late) == []
    assert book.unconfirmed(done, late) == []
    assert (pending.status, done.status) == (JobStatus.PENDING, JobStatus.PROCESSED)


# --- a person's repair ------------------------------------------------------------------------


def test_a_persons_restart_gives_a_failed_job_a_fresh_window() -> None:
    book = ledger()
    job = new_job(book)
    transport_failure(book, job, T0)
    book.attempt(job, T0 + WINDOW + TICK)
    assert book.given_up(PRINTER) == [job]
    now = T0 + 5 * WINDOW
    changes = book.restart(job, now)
    assert [(change.previous, change.status) for change in changes] == [
        (JobStatus.FAILED, JobStatus.PENDING)
    ]
    assert (job.requested_at, job.attempts, job.problem) == (now, 0, None)
    assert book.given_up(PRINTER) == []
    assert book.attempt(job, now)[0]


# --- saving -----------------------------------------------------------------------------------


def busy_ledger() -> Ledger:
    """A ledger with a job in every state worth saving."""
    book = ledger()
    pending = new_job(book, ext_id="pending", user_data={"who": "me", "n": [1, 2.5, None]})
    assert pending.status is JobStatus.PENDING
    retrying = new_job(book, kind=Z, cashier=Cashier("Иванов", "7701"), target_serial="0001")
    transport_failure(book, retrying, T0)
    waiting = new_job(book, ext_id="waiting", kind=DocumentKind.OPEN_SHIFT)
    accepted(book, waiting, T0, uuid="u-w")
    deliver(book, callback(waiting, "awaiting_retry", uuid="u-w", message="Нет бумаги"), T0)
    done = new_job(book, ext_id="done")
    accepted(book, done, T0, uuid="u-d")
    deliver(book, callback(done, "processed", uuid="u-d"), T0 + MINUTE)
    refused = new_job(book, ext_id="refused")
    sent(book, refused, T0)
    book.refused(refused, LifePayValidationError("bad", code=400), T0)
    odd = new_job(book, ext_id="odd")
    accepted(book, odd, T0, uuid="u-o")
    book.apply_callback(odd, callback(odd, "printing", uuid="u-o"), T0)
    return book


def test_save_and_load_keep_every_field_and_every_index() -> None:
    book = busy_ledger()
    saved = json.loads(json.dumps(book.as_dict()))  # as the store writes it
    again = ledger()
    assert again.load(saved, T0 + WINDOW) == 0
    assert again.as_dict() == book.as_dict()
    assert [job.as_dict() for job in again] == [job.as_dict() for job in book]
    assert list(again) == list(book)  # every field, datetimes and the cashier included
    for job in book:
        copy = again.get(job.ext_id)
        assert copy is not None
        if job.uuid:
            assert again.find_authentic(callback(copy, uuid=job.uuid)) is copy
        assert again.find_authentic(callback(copy)) is copy
    for kind in DocumentKind:
        mine, theirs = book.latest(PRINTER, kind), again.latest(PRINTER, kind)
        assert (mine and mine.ext_id) == (theirs and theirs.ext_id)
        assert book.last_success(PRINTER, kind) == again.last_success(PRINTER, kind)
    assert [job.ext_id for job in again.unfinished()] == [job.ext_id for job in book.unfinished()]
    assert [job.ext_id for job in again.awaiting_callback()] == [
        job.ext_id for job in book.awaiting_callback()
    ]


def test_loading_keeps_jobs_a_newer_version_wrote_aside_and_writes_them_back() -> None:
    book = busy_ledger()
    saved = book.as_dict()
    newer_status = {**saved["jobs"][0], "ext_id": "newer-status", "status": "queued_at_printer"}
    newer_kind = {**saved["jobs"][1], "ext_id": "newer-kind", "kind": "correction_receipt"}
    broken = {"status": "pending"}
    saved = {"jobs": [newer_status, *saved["jobs"], newer_kind, broken]}
    again = ledger()
    assert again.load(json.loads(json.dumps(saved)), T0) == 3
    assert again.get("newer-status") is None
    assert again.get("newer-kind") is None
    assert len(again) == len(book)
    written = again.as_dict()["jobs"]
    assert written[:3] == [newer_status, newer_kind, broken]
    assert written[3:] == book.as_dict()["jobs"]
    # Not sent, not expired, not found by a callback.
    assert again.expire_overdue(T0 + 10 * WINDOW)  # the known overdue ones
    assert again.as_dict()["jobs"][:3] == [newer_status, newer_kind, broken]
    with pytest.raises(UnknownJobError):
        again.find_authentic(callback(None, ext_id="newer-status", token=newer_status["token"]))


def test_a_loaded_overdue_job_ends_at_start_up_and_a_fresh_one_is_sent() -> None:
    book = ledger()
    old = new_job(book, ext_id="old")
    transport_failure(book, old, T0)
    fresh = new_job(book, T0 + WINDOW, ext_id="fresh")
    book.close()
    again = ledger()
    again.load(book.as_dict(), T0 + WINDOW + TICK)
    changes = again.expire_overdue(T0 + WINDOW + TICK)
    assert [change.job.ext_id for change in changes] == ["old"]
    assert again.get("old").status is JobStatus.FAILED  # type: ignore[union-attr]
    restored = again.get("fresh")
    assert restored is not None
    assert restored.status is JobStatus.PENDING
    assert again.attempt(restored, T0 + WINDOW + TICK)[0]
    assert fresh.attempts == 0  # the closed ledger's job was never touched


# --- pruning ----------------------------------------------------------------------------------


def test_pruning_keeps_the_newest_finished_jobs_and_every_unfinished_one() -> None:
    book = ledger(finished_kept=2)
    unfinished = [new_job(book, ext_id=f"open-{n}") for n in range(3)]
    finished = []
    for n in range(4):
        job = new_job(book, ext_id=f"done-{n}")
        sent(book, job, T0)
        book.refused(job, LifePayValidationError("bad", code=400), T0)
        finished.append(job)
    new_job(book, ext_id="trigger")  # pruning happens when a job is added
    assert sorted(job.ext_id for job in book) == [
        "done-2",
        "done-3",
        "open-0",
        "open-1",
        "open-2",
        "trigger",
    ]
    assert all(book.get(job.ext_id) is job for job in unfinished)
    with pytest.raises(UnknownJobError):
        book.find_authentic(callback(finished[0], ext_id="done-0"))
    # Many unfinished jobs: none is forgotten, however many there are.
    for n in range(5):
        new_job(book, ext_id=f"more-{n}")
    assert sum(not job.final for job in book) == 9
    assert sum(job.final for job in book) == 2


def test_a_late_answer_about_a_forgotten_job_does_not_bring_it_back() -> None:
    book = ledger(finished_kept=1)
    first = new_job(book)
    sent(book, first, T0 + WINDOW)  # the last moment; LifePay is slow to answer
    later = T0 + WINDOW + MINUTE
    second = book.submit(PRINTER, X, later).job  # a press: the first ends as failed
    assert first.status is JobStatus.FAILED
    sent(book, second, later)
    book.refused(second, LifePayValidationError("bad", code=400), later)
    new_job(book, later, kind=Z)  # the first is pruned
    assert book.get(first.ext_id) is None
    before = first.as_dict()
    assert book.accepted(first, "u-1", later, callback_expected=True) == []
    assert first.as_dict() == before
    with pytest.raises(UnknownJobError):
        book.find_authentic(callback(first, uuid="u-1"))


# --- changes ----------------------------------------------------------------------------------


def test_a_change_keeps_the_status_of_its_moment() -> None:
    book = ledger()
    job = new_job(book)
    submitted_change = book.submit(PRINTER, X, T0, ext_id="x").changes[-1]
    first = book.attempt(job, T0)[1][0]
    failed = book.unanswered(job, LifePayTimeoutError("slow"), T0)[0]
    book.attempt(job, T0 + MINUTE)
    accepted_change = book.accepted(job, "u-1", T0 + MINUTE, callback_expected=True)[0]
    assert (first.previous, first.status) == (JobStatus.PENDING, JobStatus.PENDING)
    assert (failed.previous, failed.status) == (JobStatus.PENDING, JobStatus.RETRYING)
    assert (accepted_change.previous, accepted_change.status) == (
        JobStatus.RETRYING,
        JobStatus.ACCEPTED,
    )
    assert (submitted_change.previous, submitted_change.status) == (None, JobStatus.PENDING)
    assert job.status is JobStatus.ACCEPTED
    assert failed.status_changed
    assert not first.status_changed


def test_net_steps_collapses_each_jobs_steps_and_drops_undone_ones() -> None:
    book = ledger()
    one = new_job(book)
    two = new_job(book, kind=Z)
    changes = [*book.attempt(one, T0)[1]]
    changes += book.unanswered(one, LifePayTimeoutError("slow"), T0)
    changes += book.attempt(two, T0)[1]
    changes += book.attempt(one, T0 + MINUTE)[1]
    changes += book.accepted(one, "u-1", T0 + MINUTE, callback_expected=True)
    changes += book.accepted(two, "u-2", T0 + MINUTE, callback_expected=False)
    changes += book.apply_callback(two, callback(two, "printing", uuid="u-2"), T0)
    steps = net_steps(changes)
    assert [(step.job, step.previous, step.status) for step in steps] == [
        (one, JobStatus.PENDING, JobStatus.ACCEPTED),
        (two, JobStatus.PENDING, JobStatus.SENT),
    ]
    three = new_job(book, kind=DocumentKind.OPEN_SHIFT)
    undone = [*book.attempt(three, T0)[1], *book.unanswered(three, LifePayTimeoutError("s"), T0)]
    undone += book.attempt(three, T0 + WINDOW + TICK)[1]  # gave up
    undone += book.restart(three, T0 + WINDOW + TICK)  # a person sends it again
    assert [change.status_changed for change in undone] == [False, True, True, True]
    assert net_steps(undone) == []
    assert net_steps([]) == []


def test_final_statuses_are_exactly_the_ends() -> None:
    assert {
        JobStatus.PROCESSED,
        JobStatus.ERROR,
        JobStatus.REJECTED,
        JobStatus.FAILED,
        JobStatus.UNCONFIRMED,
        JobStatus.SENT,
    } == FINAL_STATUSES


def test_the_shift_is_seen_in_printed_documents_and_in_lifepays_known_words() -> None:
    book = ledger()
    assert book.shift_seen(PRINTER) is None
    x_report = new_job(book)
    accepted(book, x_report, T0)
    book.apply_callback(x_report, callback(x_report, "error", message="Смена не открыта."), T0)
    assert book.shift_seen(PRINTER) == (T0, False)
    opening = new_job(book, T0 + MINUTE, kind=DocumentKind.OPEN_SHIFT)
    accepted(book, opening, T0 + MINUTE, uuid="uuid-2")
    later = T0 + 2 * MINUTE
    book.apply_callback(opening, callback(opening, "error", message="Смена уже открыта."), later)
    assert book.shift_seen(PRINTER) == (later, True)
    closing = new_job(book, later, kind=Z)
    accepted(book, closing, later, uuid="uuid-3")
    # At the same moment, a day's order: the Z-report closes, the next opening opens.
    book.apply_callback(closing, callback(closing, "processed"), later)
    assert book.shift_seen(PRINTER) == (later, True)
    book.apply_callback(closing, callback(closing, "processed"), later + MINUTE)
    assert book.shift_seen(PRINTER) == (later, True)  # a finished document does not move again
    closing = new_job(book, later + MINUTE, kind=Z)
    accepted(book, closing, later + MINUTE, uuid="uuid-5")
    book.apply_callback(closing, callback(closing, "processed"), later + MINUTE)
    assert book.shift_seen(PRINTER) == (later + MINUTE, False)
    # A failure that says nothing of the shift changes nothing.
    other = new_job(book, later + 2 * MINUTE)
    accepted(book, other, later + 2 * MINUTE, uuid="uuid-4")
    book.apply_callback(other, callback(other, "error", message="Ошибка ФН"), later + 2 * MINUTE)
    assert book.shift_seen(PRINTER) == (later + MINUTE, False)
