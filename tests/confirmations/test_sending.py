"""Confirmation requests: what the email lists (never the notes), to whom, and how often."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import hash_token
from agencies.models import Enrollment
from confirmations.models import ConfirmationLink, Dispute
from confirmations.services import confirmation_requests_send
from hours import services
from policy import dates
from tests.factories import OrganizationFactory

from .conftest import snapshot, token_in

pytestmark = pytest.mark.django_db


def test_the_command_emails_each_contact_the_entries_that_wait(
    contact, employee, log_hours, settings, capsys
):
    settings.SITE_URL = "https://mentoring.example.ca.gov"
    first = log_hours(employee, 2, 10, notes="Met at the public library")
    second = log_hours(employee, 1.5, 20)

    call_command("send_confirmation_requests")

    assert "1 emails sent, 0 failed" in capsys.readouterr().out
    (message,) = mail.outbox
    assert message.to == ["ana.ruiz@friendsforyouth.org"]
    assert "Friends for Youth" in message.subject
    name = employee.user.get_full_name()
    assert f"{name} (DOT), {first.date:%a %b %-d, %Y}: 2 hours, mentoring" in message.body
    assert f"{name} (DOT), {second.date:%a %b %-d, %Y}: 1.5 hours, mentoring" in message.body
    assert "library" not in message.body  # never the notes
    token = token_in(message)
    assert f"https://mentoring.example.ca.gov/confirm/#{token}" in message.body
    link = ConfirmationLink.objects.get()
    assert set(link.entries.all()) == {first, second}
    # Only the token's digest is stored, as for the API tokens.
    assert link.digest == hash_token(token) and token not in link.digest
    assert link.contact == contact and link.revoked_at is None


def test_a_contact_gets_at_most_one_email_a_day(contact, employee, log_hours, monkeypatch, today):
    log_hours(employee, 2, 10)
    confirmation_requests_send()
    log_hours(employee, 1, 11)

    assert confirmation_requests_send() == []
    assert len(mail.outbox) == 1

    monkeypatch.setattr(dates, "today", lambda: today + dt.timedelta(days=1))
    confirmation_requests_send()
    assert len(mail.outbox) == 2
    # The next day lists only what the first (still live) link does not already hold.
    assert ConfirmationLink.objects.order_by("pk").last().entries.count() == 1


def test_only_waiting_entries_of_the_contacts_organization_on_an_active_roster_line(
    contact, employee, other_employee, log_hours, dph, dph_pilot, coordinator
):
    mine = log_hours(employee, 2, 10)
    elsewhere_org = OrganizationFactory(name="Be A Mentor")
    Enrollment.objects.filter(employee=other_employee).update(organization=elsewhere_org)
    log_hours(other_employee, 2, 10)  # another organization's
    verified = log_hours(employee, 1, 11)
    services.personal_hours_verify(
        entry=verified, by=coordinator, verified_by_name="Office", reason="A phone call"
    )

    confirmation_requests_send()

    assert list(ConfirmationLink.objects.get().entries.all()) == [mine]


def test_disputed_entries_are_not_sent_again(
    contact, employee, log_hours, send, anonymous, monkeypatch, today
):
    disputed = log_hours(employee, 2, 10)
    token = send()
    anonymous().post(
        "/confirm/answer/",
        {
            "token": token,
            "typed_name": "Ana Ruiz",
            f"decision-{disputed.pk}": "dispute",
            f"words-{disputed.pk}": "Not one of ours",
        },
    )
    assert Dispute.objects.count() == 1
    ConfirmationLink.objects.update(revoked_at=dt.datetime.now(dt.UTC))
    monkeypatch.setattr(dates, "today", lambda: today + dt.timedelta(days=1))

    assert confirmation_requests_send() == []
    assert len(mail.outbox) == 1


def test_entries_on_a_withdrawn_roster_line_are_not_sent(contact, employee, log_hours):
    log_hours(employee, 2, 10)
    Enrollment.objects.filter(employee=employee).update(status=Enrollment.Status.WITHDRAWN)

    assert confirmation_requests_send() == []
    assert ConfirmationLink.objects.count() == 0 and mail.outbox == []


def test_the_queue_button_sends_only_the_coordinators_agency(
    contact, employee, other_employee, log_hours, coordinator, client
):
    mine = log_hours(employee, 2, 10)
    log_hours(other_employee, 2, 10)  # DPH, same organization
    client.force_login(coordinator)

    response = client.post("/coordinator/confirmations/send/")

    assert response.status_code == 302
    assert list(ConfirmationLink.objects.get().entries.all()) == [mine]
    assert ConfirmationLink.objects.get().created_by == coordinator
    assert len(mail.outbox) == 1


def test_an_employee_cannot_press_the_button(contact, employee, log_hours, client):
    log_hours(employee, 2, 10)
    client.force_login(employee.user)
    before = snapshot()

    assert client.post("/coordinator/confirmations/send/").status_code == 403
    assert snapshot() == before and mail.outbox == []


def test_a_mail_server_that_refuses_leaves_nothing_recorded(
    contact, employee, log_hours, settings, capsys
):
    log_hours(employee, 2, 10)
    with socket.socket() as probe:  # a port on loopback that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    before = snapshot()

    with pytest.raises(SystemExit) as exit_:
        call_command("send_confirmation_requests")

    assert exit_.value.code == 1
    assert "not sent to ana.ruiz@friendsforyouth.org" in capsys.readouterr().err
    assert snapshot() == before
    contact.refresh_from_db()
    assert contact.last_emailed_on is None  # the next run tries again
