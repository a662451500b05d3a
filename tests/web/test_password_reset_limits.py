"""Password-reset emails are limited per email address and per client address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PASSWORD_RESET_PER_EMAIL_HOUR = 2
    settings.PASSWORD_RESET_PER_CLIENT_HOUR = 4
    cache.clear()
    yield
    cache.clear()


def ask(email: str, address: str):
    return Client(REMOTE_ADDR=address).post("/accounts/password-reset/", {"email": email})


def test_an_address_gets_at_most_the_limit_of_emails_and_the_answer_stays_the_same(employee):
    answers = [ask(employee.user.email, f"10.0.0.{i}") for i in range(4)]
    assert [(r.status_code, r["Location"]) for r in answers] == [
        (302, "/accounts/password-reset/sent/")
    ] * 4
    assert len(mail.outbox) == 2
    # Another person's address is not held up.
    ask("dot.coordinator@example.ca.gov", "10.0.0.9")
    assert len(mail.outbox) == 2  # no such account: no mail, and the same answer


def test_a_client_address_is_stopped_past_its_limit(employee, coordinator):
    for i in range(4):
        assert ask(f"nobody{i}@example.ca.gov", "10.1.1.1").status_code == 302
    stopped = ask(employee.user.email, "10.1.1.1")
    assert stopped.status_code == 429
    assert b"Wait an hour" in stopped.content
    assert mail.outbox == []
    assert ask(employee.user.email, "10.1.1.2").status_code == 302
    assert len(mail.outbox) == 1
