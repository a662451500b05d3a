"""The outbox under a mail server that is down, then back: nothing is lost, each failure is
kept with its error, retries wait longer each time, and every message arrives exactly once at
a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from notifications import outbox
from notifications.services import message_queue

ADDRESSES = ["ana@example.ca.gov", "ben@example.ca.gov", "cy@example.ca.gov"]


def free_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "http://mentoring.example"
    return settings


@pytest.fixture
def three_messages(db):
    for address in ADDRESSES:
        message_queue(
            to=address,
            template="notifications/notice",
            context={"subject": "Your request was decided", "body": "See your page."},
            link="/me/",
        )


def make_due() -> None:
    """As if the retry wait had passed."""
    Email.objects.update(scheduled_time=timezone.now() - dt.timedelta(seconds=1))


def test_a_closed_port_loses_nothing_then_a_real_server_gets_each_message_once(
    smtp, three_messages
):
    totals = outbox.send_due()

    assert totals == {"sent": 0, "failed": 0, "requeued": 3}
    for row in Email.objects.all():
        assert row.status == STATUS.requeued
        assert row.number_of_retries == 1
        assert row.scheduled_time > timezone.now()  # not retried at once
    logs = Log.objects.filter(status=STATUS.failed)
    assert logs.count() == 3
    assert {log.exception_type for log in logs} == {"ConnectionRefusedError"}
    assert all(log.message for log in logs)  # the last error, kept

    # A pass before the wait is over sends nothing and logs nothing.
    assert outbox.send_due() == {"sent": 0, "failed": 0, "requeued": 0}
    assert Log.objects.count() == 3

    recorder = Recorder()
    server = Controller(recorder, hostname="127.0.0.1", port=smtp.EMAIL_PORT)
    server.start()
    try:
        make_due()
        assert outbox.send_due() == {"sent": 3, "failed": 0, "requeued": 0}
        make_due()
        assert outbox.send_due() == {"sent": 0, "failed": 0, "requeued": 0}
        call_command("send_mail_queue")
    finally:
        server.stop()

    assert sorted(rcpt for e in recorder.envelopes for rcpt in e.rcpt_tos) == ADDRESSES
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}
    received = email.message_from_bytes(recorder.envelopes[0].content)
    parts = {part.get_content_type(): part for part in received.walk()}
    assert "text/plain" in parts and "text/html" in parts
    assert "http://mentoring.example/me/" in parts["text/plain"].get_payload(decode=True).decode()


def test_each_retry_waits_twice_as_long(smtp, three_messages):
    base = smtp.POST_OFFICE["RETRY_INTERVAL"]
    outbox.send_due()
    first = Email.objects.first()
    assert first.scheduled_time - first.last_updated == base
    make_due()
    outbox.send_due()
    first.refresh_from_db()
    assert first.number_of_retries == 2
    assert first.scheduled_time - first.last_updated == 2 * base
    assert outbox.retry_delay(30) == outbox.MAX_BACKOFF


def test_after_the_last_retry_a_message_is_failed_and_can_be_queued_again(smtp, three_messages):
    smtp.POST_OFFICE = {**smtp.POST_OFFICE, "MAX_RETRIES": 1}
    outbox.send_due()
    make_due()
    assert outbox.send_due() == {"sent": 0, "failed": 3, "requeued": 0}
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.failed}
    assert Log.objects.count() == 6

    recorder = Recorder()
    server = Controller(recorder, hostname="127.0.0.1", port=smtp.EMAIL_PORT)
    server.start()
    try:
        assert outbox.queue_again(Email.objects.all()) == 3
        assert outbox.send_due()["sent"] == 3
    finally:
        server.stop()
    assert len(recorder.envelopes) == 3


def test_the_command_reports_what_it_did(smtp, three_messages, capsys):
    call_command("send_mail_queue")
    assert "sent 0, failed 0, to retry 3" in capsys.readouterr().out
