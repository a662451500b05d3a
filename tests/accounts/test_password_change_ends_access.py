"""A password change or reset ends every other session of the account and revokes every API
token, wherever the password is set."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuthToken
from accounts.services import token_create
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase 2119"


def api(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/").status_code


def session_of(user) -> Client:
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


def test_a_password_reset_ends_the_other_sessions_and_revokes_every_token(employee):
    user = employee.user
    laptop = session_of(user)
    key, _ = token_create(user=user)
    personal, _ = token_create(user=user, name="script")
    assert api(key) == api(personal) == 200
    assert laptop.get("/me/").status_code == 200

    phone = Client()
    assert phone.post("/accounts/password-reset/", {"email": user.email}).status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = phone.get(link, follow=True)
    done = phone.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302

    assert api(key) == api(personal) == 401
    assert AuthToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    response = laptop.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_password_changed_in_the_admin_revokes_the_tokens_and_keeps_the_admins_session(
    employee, admin_user
):
    key, _ = token_create(user=employee.user)
    admin_client = Client()
    admin_client.force_login(admin_user)
    response = admin_client.post(
        f"/admin/auth/user/{employee.user.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert api(key) == 401
    assert admin_client.get("/admin/").status_code == 200


def test_another_accounts_tokens_are_untouched(employee):
    other = UserFactory(username="other")
    key, _ = token_create(user=other)
    employee.user.set_password(NEW)
    employee.user.save()
    assert api(key) == 200
