"""The outbox in the admin: administrators see every email with its status and its log, and
queue failed ones again; a coordinator without staff access sees none of it."""

from __future__ import annotations

from django.test import Client
from post_office.models import STATUS, Email, Log

from notifications.services import message_queue

CHANGELIST = "/admin/post_office/email/"


def failed_message() -> Email:
    row = message_queue(
        to="ana@example.ca.gov",
        template="notifications/notice",
        context={"subject": "Your request was decided", "body": "See your page."},
        link="/me/",
    )
    Email.objects.filter(pk=row.pk).update(status=STATUS.failed, number_of_retries=8)
    Log.objects.create(email=row, status=STATUS.failed, message="Connection refused")
    return row


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_sees_the_outbox_and_queues_a_failed_email_again(admin_user):
    row = failed_message()
    client = signed_in(admin_user)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert "ana@example.ca.gov" in listing.content.decode()
    detail = client.get(f"{CHANGELIST}{row.pk}/change/")
    assert detail.status_code == 200
    assert "Connection refused" in detail.content.decode()

    response = client.post(
        CHANGELIST, {"action": "send_again", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.status, row.number_of_retries, row.scheduled_time) == (STATUS.queued, 0, None)


def test_a_coordinator_cannot_open_the_outbox(coordinator):
    failed_message()
    response = signed_in(coordinator).get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
