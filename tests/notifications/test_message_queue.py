"""message_queue: one row in the outbox per message, in the caller's transaction; the
once-only record of digests and reminders; each person's choices."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from post_office.models import STATUS, Email

from notifications import outbox
from notifications.models import Kind, Sent
from notifications.services import message_queue, message_queue_once, preference_set, wants

from ..factories import UserFactory

NOTICE = {"subject": "Your request was decided", "body": "See your page."}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://mentoring.example.ca.gov/"


def queue(to="ana@example.ca.gov", link="/me/"):
    return message_queue(to=to, template="notifications/notice", context=NOTICE, link=link)


def test_a_message_is_a_queued_row_with_text_html_and_an_absolute_link(db):
    row = queue()
    assert row.status == STATUS.queued
    assert row.to == ["ana@example.ca.gov"]
    assert row.subject == "Your request was decided"
    assert "See your page." in row.message
    assert "https://mentoring.example.ca.gov/me/" in row.message
    assert 'href="https://mentoring.example.ca.gov/me/"' in row.html_message
    assert mail.outbox == []  # nothing sent by the request: the worker sends


def test_a_change_that_rolls_back_queues_nothing(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change fails")
    assert Email.objects.count() == 0


def test_an_empty_address_queues_nothing(db):
    assert queue(to="") is None
    assert Email.objects.count() == 0


def test_html_escapes_what_it_quotes_and_text_does_not(db):
    row = message_queue(
        to="ana@example.ca.gov",
        template="notifications/notice",
        context={"subject": "A & B", "body": "<b>Short</b> & staffed"},
        link="/me/",
    )
    assert "&lt;b&gt;Short&lt;/b&gt; &amp; staffed" in row.html_message
    assert "<b>Short</b> & staffed" in row.message


def test_the_worker_sends_a_queued_message_once(db):
    queue()
    assert outbox.send_due()["sent"] == 1
    assert outbox.send_due()["sent"] == 0
    [sent] = mail.outbox
    assert sent.to == ["ana@example.ca.gov"]
    assert sent.alternatives[0].mimetype == "text/html"
    assert Email.objects.get().status == STATUS.sent


def once(user, period="2026"):
    return message_queue_once(
        user=user,
        kind=Kind.REMINDER,
        topic="year-end-first",
        period=period,
        template="notifications/notice",
        context=NOTICE,
        link="/me/",
    )


def test_a_reminder_goes_once_per_period(db):
    user = UserFactory()
    assert once(user) is True
    assert once(user) is False
    assert once(user, period="2027") is True
    assert Email.objects.count() == 2
    assert list(Sent.objects.order_by("period").values_list("period", flat=True)) == [
        "2026",
        "2027",
    ]
    assert Sent.objects.filter(email__isnull=False).count() == 2


def test_a_person_who_turned_reminders_off_gets_none_and_nothing_is_recorded(db):
    user = UserFactory()
    preference_set(user=user, digests=True, reminders=False)
    assert once(user) is False
    assert Email.objects.count() == 0 and Sent.objects.count() == 0
    # Turned back on, the reminder for the period still goes.
    preference_set(user=user, digests=True, reminders=True)
    assert once(user) is True


def test_choices_default_to_everything_and_are_kept_per_person(db):
    ana, ben = UserFactory(), UserFactory()
    assert wants(ana, Kind.DIGEST) and wants(ana, Kind.REMINDER)
    preference_set(user=ana, digests=False, reminders=True)
    assert not wants(ana, Kind.DIGEST) and wants(ana, Kind.REMINDER)
    assert wants(ben, Kind.DIGEST)
