"""The append-only ledger: one entry per state change, refused by the database on edit, and
readable (never writable) at ledger/, scoped like everything else."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from hours import services
from ledger.models import LedgerEntry
from policy.errors import StateConflict

from .conftest import API

URL = f"{API}/ledger/"
K = LedgerEntry.Kind


@pytest.fixture
def history(
    employee, coordinator, other_employee, admin_user, log_hours, verified, request_leave, day
):
    """A year with one of every state change for the DOT employee, and one DPH entry."""
    kept = verified(employee, 8, 1)
    dropped = log_hours(employee, 2, 2)
    services.personal_hours_reject(entry=dropped, by=coordinator, reason="No record.")
    approved = request_leave(employee, 2, 1)
    services.leave_request_approve(request=approved, by=coordinator)
    denied = request_leave(employee, 2, 2)
    services.leave_request_deny(request=denied, by=coordinator, reason="Short-staffed.")
    cancelled = request_leave(employee, 2, 3)
    services.leave_request_cancel(request=cancelled, by=employee.user)
    taken = request_leave(employee, 2, date=day(3))
    services.leave_request_approve(request=taken, by=coordinator)
    services.leave_request_reverse(request=taken, by=coordinator, reason="Not taken.")
    log_hours(other_employee, 2, 1)
    return {"kept": kept, "approved": approved, "taken": taken}


def test_one_entry_per_state_change(employee, history):
    kinds = list(
        LedgerEntry.objects.filter(employee=employee).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == [
        K.PERSONAL_LOGGED,
        K.PERSONAL_VERIFIED,
        K.PERSONAL_LOGGED,
        K.PERSONAL_REJECTED,
        K.LEAVE_REQUESTED,
        K.LEAVE_APPROVED,
        K.LEAVE_REQUESTED,
        K.LEAVE_DENIED,
        K.LEAVE_REQUESTED,
        K.LEAVE_CANCELLED,
        K.LEAVE_REQUESTED,
        K.LEAVE_APPROVED,
        K.LEAVE_REVERSED,
    ]


def test_each_entry_says_who_when_what_and_why(employee, coordinator, history, today):
    reversal = LedgerEntry.objects.get(kind=K.LEAVE_REVERSED)
    assert reversal.actor == coordinator
    assert reversal.agency == employee.agency
    assert reversal.year == today.year
    assert reversal.at is not None
    assert (reversal.subject_type, reversal.subject_id) == ("leaverequest", history["taken"].pk)
    assert reversal.reason == "Not taken."
    assert reversal.d_paid_approved == -2


def test_a_refused_action_writes_no_entry(employee, coordinator, history):
    before = LedgerEntry.objects.count()
    with pytest.raises(StateConflict):
        services.leave_request_approve(request=history["approved"], by=coordinator)
    assert LedgerEntry.objects.count() == before


# --- Append-only, enforced by the database ------------------------------------------------------


def test_the_database_refuses_to_update_an_entry(history):
    entry = LedgerEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.reason = "rewritten"
        entry.save()
    entry.refresh_from_db()
    assert entry.reason != "rewritten"


def test_the_database_refuses_to_delete_an_entry(history):
    count = LedgerEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.count() == count


def test_a_correction_is_a_new_entry(employee, coordinator, history):
    verified_entry = LedgerEntry.objects.get(
        kind=K.PERSONAL_VERIFIED, subject_id=history["kept"].pk
    )
    services.personal_hours_reject(entry=history["kept"], by=coordinator, reason="Withdrawn.")
    verified_entry.refresh_from_db()
    assert verified_entry.d_personal_verified == 8  # untouched
    correction = LedgerEntry.objects.filter(subject_id=history["kept"].pk).latest("id")
    assert correction.kind == K.PERSONAL_REJECTED
    assert correction.d_personal_verified == -8 and correction.reason == "Withdrawn."


# --- Reading at ledger/ -------------------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_coordinator_reads_their_agencys_ledger(
    client_for, coordinator, employee, other_employee, history
):
    dot_ids = set(LedgerEntry.objects.filter(agency=employee.agency).values_list("id", flat=True))
    dph_entry = LedgerEntry.objects.get(employee=other_employee)

    client = client_for(coordinator)
    assert ids(client.get(URL, {"page_size": 200})) == dot_ids
    assert client.get(f"{URL}{dph_entry.pk}/").status_code == 404


def test_other_agencys_coordinator_sees_none_of_it(
    client_for, other_coordinator, employee, history
):
    client = client_for(other_coordinator)
    assert ids(client.get(URL, {"employee": employee.pk})) == set()
    entry = LedgerEntry.objects.filter(employee=employee).first()
    assert client.get(f"{URL}{entry.pk}/").status_code == 404


def test_employee_reads_only_their_own_entries(client_for, employee, other_employee, history):
    own = set(LedgerEntry.objects.filter(employee=employee).values_list("id", flat=True))
    assert ids(client_for(employee.user).get(URL, {"page_size": 200})) == own
    other = LedgerEntry.objects.get(employee=other_employee)
    assert client_for(employee.user).get(f"{URL}{other.pk}/").status_code == 404


def test_workgroup_reads_everything(client_for, workgroup, history):
    everything = set(LedgerEntry.objects.values_list("id", flat=True))
    assert ids(client_for(workgroup).get(URL, {"page_size": 200})) == everything


def test_entries_read_with_actor_agency_and_deltas(client_for, workgroup, coordinator, history):
    approved = LedgerEntry.objects.filter(kind=K.LEAVE_APPROVED).first()
    data = client_for(workgroup).get(f"{URL}{approved.pk}/").json()
    assert data["actor"] == coordinator.username
    assert data["agency"] == "DOT"
    assert data["kind"] == "leave_request.approved"
    assert (data["d_paid_pending"], data["d_paid_approved"]) == ("-2.00", "2.00")


def test_filters(client_for, workgroup, employee, history, today):
    client = client_for(workgroup)
    approvals = ids(client.get(URL, {"kind": "leave_request.approved"}))
    assert len(approvals) == 2
    assert ids(client.get(URL, {"agency": "DPH"})) == set(
        LedgerEntry.objects.filter(agency__code="DPH").values_list("id", flat=True)
    )
    assert len(ids(client.get(URL, {"employee": employee.pk, "page_size": 200}))) == 13
    assert len(ids(client.get(URL, {"year": today.year, "page_size": 200}))) == 14
    assert ids(client.get(URL, {"year": today.year - 1})) == set()
    subject = history["approved"].pk
    assert len(ids(client.get(URL, {"subject_type": "leaverequest", "subject_id": subject}))) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"date_after": "yesterday"},
        {"employee": "abc"},
        {"kind": "leave_request.invented"},
        {"year": "abc"},
        {"subject_id": "x"},
    ],
)
def test_a_bad_filter_answers_400(client_for, workgroup, history, params):
    response = client_for(workgroup).get(URL, params)
    assert response.status_code == 400
    assert set(params) & set(response.json())


def test_the_ledger_cannot_be_written_through_the_api(client_for, admin_user, coordinator, history):
    entry = LedgerEntry.objects.first()
    before = LedgerEntry.objects.count()
    for user in (admin_user, coordinator):
        client = client_for(user)
        assert client.post(URL, {"kind": "leave_request.approved"}).status_code == 405
        assert client.put(f"{URL}{entry.pk}/", {"reason": "x"}).status_code == 405
        assert client.patch(f"{URL}{entry.pk}/", {"reason": "x"}).status_code == 405
        assert client.delete(f"{URL}{entry.pk}/").status_code == 405
    assert LedgerEntry.objects.count() == before
    anonymous = client_for(None).get(URL)
    assert anonymous.status_code == 401
    assert "results" not in anonymous.json()
