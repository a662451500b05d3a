"""The employee is told of every decision on their hours and requests, with the reason and a
link to their page: a message queued in the outbox in the same transaction as the decision."""

from __future__ import annotations

import pytest
from django.db import transaction
from post_office.models import STATUS, Email

from hours import services
from hours.models import LeaveRequest
from hours.services.years import notify

from .conftest import API

LEAVE = f"{API}/leave-requests/"
PERSONAL = f"{API}/personal-hours/"
MY_YEAR = "http://testserver.example/me/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


@pytest.fixture
def pending(employee, verified, request_leave):
    verified(employee, 8, 1)
    Email.objects.all().delete()  # the verification's own message
    return request_leave(employee, 4, 3)


def queued() -> list[Email]:
    return list(Email.objects.order_by("id"))


def test_approval_is_queued_with_a_link(client_for, coordinator, employee, pending):
    response = client_for(coordinator).post(f"{LEAVE}{pending.pk}/approve/", {}, format="json")
    assert response.status_code == 200
    [message] = queued()
    assert message.to == [employee.user.email]
    assert message.status == STATUS.queued
    assert message.subject == "Your mentoring leave was approved"
    assert f"{pending.date:%B %-d, %Y}" in message.message and "4 hours" in message.message
    assert MY_YEAR in message.message
    assert f'href="{MY_YEAR}"' in message.html_message


def test_denial_is_queued_with_the_reason(client_for, coordinator, employee, pending):
    response = client_for(coordinator).post(
        f"{LEAVE}{pending.pk}/deny/", {"reason": "Short-staffed that week."}, format="json"
    )
    assert response.status_code == 200
    [message] = queued()
    assert message.subject == "Your mentoring leave was denied"
    assert "Reason: Short-staffed that week." in message.message
    assert "Short-staffed that week." in message.html_message
    assert message.to == [employee.user.email]


def test_reversal_is_queued_with_the_reason(
    client_for, coordinator, employee, verified, approved_leave, day
):
    verified(employee, 4, 1)
    leave = approved_leave(employee, 4, date=day(3))
    Email.objects.all().delete()
    response = client_for(coordinator).post(
        f"{LEAVE}{leave.pk}/reverse/", {"reason": "Leave not taken."}, format="json"
    )
    assert response.status_code == 200
    [message] = queued()
    assert message.subject == "Your mentoring leave was reversed"
    assert "Leave not taken." in message.message and MY_YEAR in message.message


def test_verified_personal_hours_are_queued(client_for, coordinator, employee, log_hours):
    entry = log_hours(employee, 3)
    response = client_for(coordinator).post(
        f"{PERSONAL}{entry.pk}/verify/",
        {"verified_by_name": "Program Office", "reason": "A signed form"},
    )
    assert response.status_code == 200
    [message] = queued()
    assert message.subject == "Your personal mentoring hours were verified"
    assert "3 hours" in message.message and MY_YEAR in message.html_message


def test_rejected_personal_hours_are_queued_with_the_reason(
    client_for, coordinator, employee, log_hours
):
    entry = log_hours(employee, 3, notes="Read with my mentee Alex at the library.")
    response = client_for(coordinator).post(
        f"{PERSONAL}{entry.pk}/reject/", {"reason": "No record at the organization."}
    )
    assert response.status_code == 200
    [message] = queued()
    assert message.subject == "Your personal mentoring hours were not accepted"
    assert message.to == [employee.user.email]
    assert "No record at the organization." in message.message
    # The employee's notes (which may describe the young person) are never quoted.
    for body in (message.message, message.html_message):
        assert "Alex" not in body and "library" not in body


def test_a_refused_decision_queues_nothing(client_for, coordinator, pending):
    client = client_for(coordinator)
    client.post(f"{LEAVE}{pending.pk}/approve/", {}, format="json")
    Email.objects.all().delete()
    again = client.post(f"{LEAVE}{pending.pk}/approve/", {}, format="json")
    denied = client.post(f"{LEAVE}{pending.pk}/deny/", {}, format="json")
    assert (again.status_code, denied.status_code) == (409, 400)
    assert queued() == []


def test_a_decision_that_rolls_back_queues_nothing(coordinator, pending):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.leave_request_approve(request=pending, by=coordinator)
        assert Email.objects.count() == 1  # queued inside the transaction...
        raise RuntimeError("the surrounding change fails")
    # ...and gone with it, as is the approval.
    assert queued() == []
    assert LeaveRequest.objects.get(pk=pending.pk).status == LeaveRequest.Status.PENDING


def test_requests_and_cancellations_queue_nothing(client_for, employee, org, ahead, pending):
    created = client_for(employee.user).post(
        LEAVE, {"date": ahead(2).isoformat(), "hours": "2", "organization": org.pk}, format="json"
    )
    assert created.status_code == 201
    cancel = client_for(employee.user).post(f"{LEAVE}{created.json()['id']}/cancel/")
    assert cancel.status_code == 200
    assert queued() == []


def test_an_employee_without_an_email_address_is_skipped(
    client_for, coordinator, employee, pending
):
    employee.user.email = ""
    employee.user.save()
    response = client_for(coordinator).post(f"{LEAVE}{pending.pk}/approve/", {}, format="json")
    assert response.status_code == 200
    assert queued() == []


def test_the_old_subject_and_body_call_still_queues_a_message(employee):
    """Services written against notify(employee, subject, body) keep working."""
    notify(employee, "A subject", "A body.")
    [message] = queued()
    assert message.subject == "A subject"
    assert "A body." in message.message and MY_YEAR in message.message
