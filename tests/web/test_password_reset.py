"""Accounts are created without a usable password; the person sets one from an emailed link."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from agencies import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_person(dot, coordinator):
    return services.employee_create(
        by=coordinator,
        agency=dot,
        employee_number="900001",
        first_name="Ana",
        last_name="Reyes",
        email="ana.reyes@example.ca.gov",
        bargaining_unit="1",
        appointment="permanent",
    )


def test_a_new_employee_sets_a_password_from_the_emailed_link_and_signs_in(client, new_person):
    assert not new_person.user.has_usable_password()
    response = client.post("/accounts/password-reset/", {"email": "ana.reyes@example.ca.gov"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Your username is: 900001" in mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert b"Choose a password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "mentoring Saturdays 2119", "new_password2": "mentoring Saturdays 2119"},
    )
    assert done.status_code == 302
    signed_in = client.post(
        "/accounts/login/", {"username": "900001", "password": "mentoring Saturdays 2119"}
    )
    assert signed_in.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "900001"


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, new_person):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.ca.gov"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_used_or_forged_link_says_it_no_longer_works(client, new_person):
    response = client.get("/accounts/reset/MQ/set-password/", follow=True)
    assert response.status_code == 200
    assert b"This link no longer works" in response.content


def test_the_sign_in_page_links_to_setting_a_password(client):
    assert b"/accounts/password-reset/" in client.get("/accounts/login/").content
