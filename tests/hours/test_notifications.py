"""The employee is emailed when leave is approved, denied or reversed, and when personal hours
are rejected; only once the decision is committed."""

from __future__ import annotations

import pytest
from django.core import mail

from .conftest import API

LEAVE = f"{API}/leave-requests/"
PERSONAL = f"{API}/personal-hours/"


@pytest.fixture
def pending(employee, verified, request_leave):
    verified(employee, 8, 1)
    return request_leave(employee, 4, 3)


def post(client, url, payload, capture):
    with capture(execute=True) as callbacks:
        response = client.post(url, payload, format="json")
    return response, callbacks


def test_approval_is_emailed(
    client_for, coordinator, employee, pending, django_capture_on_commit_callbacks
):
    response, _ = post(
        client_for(coordinator),
        f"{LEAVE}{pending.pk}/approve/",
        {},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee.user.email]
    assert message.subject == "Your mentoring leave was approved"
    assert f"{pending.date:%B %-d, %Y}" in message.body and "4 hours" in message.body


def test_denial_is_emailed_with_the_reason(
    client_for, coordinator, employee, pending, django_capture_on_commit_callbacks
):
    response, _ = post(
        client_for(coordinator),
        f"{LEAVE}{pending.pk}/deny/",
        {"reason": "Short-staffed that week."},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert [m.subject for m in mail.outbox] == ["Your mentoring leave was denied"]
    assert "Short-staffed that week." in mail.outbox[0].body
    assert mail.outbox[0].to == [employee.user.email]


def test_reversal_is_emailed_with_the_reason(
    client_for,
    coordinator,
    employee,
    verified,
    approved_leave,
    day,
    django_capture_on_commit_callbacks,
):
    verified(employee, 4, 1)
    leave = approved_leave(employee, 4, date=day(3))
    mail.outbox.clear()
    response, _ = post(
        client_for(coordinator),
        f"{LEAVE}{leave.pk}/reverse/",
        {"reason": "Leave not taken."},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert [m.subject for m in mail.outbox] == ["Your mentoring leave was reversed"]
    assert "Leave not taken." in mail.outbox[0].body


def test_rejected_personal_hours_are_emailed(
    client_for, coordinator, employee, log_hours, django_capture_on_commit_callbacks
):
    entry = log_hours(employee, 3)
    response, _ = post(
        client_for(coordinator),
        f"{PERSONAL}{entry.pk}/reject/",
        {"reason": "No record at the organization."},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert [m.subject for m in mail.outbox] == ["Your personal mentoring hours were not accepted"]
    assert mail.outbox[0].to == [employee.user.email]
    assert "No record at the organization." in mail.outbox[0].body


def test_a_refused_decision_sends_nothing(
    client_for, coordinator, employee, pending, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    post(client, f"{LEAVE}{pending.pk}/approve/", {}, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    again, callbacks = post(
        client, f"{LEAVE}{pending.pk}/approve/", {}, django_capture_on_commit_callbacks
    )
    denied, _ = post(client, f"{LEAVE}{pending.pk}/deny/", {}, django_capture_on_commit_callbacks)
    assert (again.status_code, denied.status_code) == (409, 400)
    assert callbacks == [] and mail.outbox == []


def test_nothing_is_sent_before_the_commit(
    client_for, coordinator, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(coordinator).post(f"{LEAVE}{pending.pk}/approve/")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_requests_cancellations_and_verifications_send_nothing(
    client_for, coordinator, employee, org, log_hours, ahead, django_capture_on_commit_callbacks
):
    entry = log_hours(employee, 8, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(
            f"{PERSONAL}{entry.pk}/verify/",
            {"verified_by_name": "Program Office", "reason": "A phone call"},
        )
        created = client_for(employee.user).post(
            LEAVE,
            {"date": ahead(2).isoformat(), "hours": "2", "organization": org.pk},
            format="json",
        )
        client_for(employee.user).post(f"{LEAVE}{created.json()['id']}/cancel/")
    assert mail.outbox == []


def test_an_employee_without_an_email_address_is_skipped(
    client_for, coordinator, employee, pending, django_capture_on_commit_callbacks
):
    employee.user.email = ""
    employee.user.save()
    response, _ = post(
        client_for(coordinator),
        f"{LEAVE}{pending.pk}/approve/",
        {},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert mail.outbox == []
