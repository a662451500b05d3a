"""The personal API token page: a token is shown once, stored hashed, expires, is listed and
can be revoked; for people who sign in through the agency's provider and have no password."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuthToken, hash_token

pytestmark = pytest.mark.django_db


def page_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/").status_code


def test_a_new_token_is_shown_once_stored_hashed_and_works(employee):
    client = page_of(employee.user)
    response = client.post("/accounts/tokens/", {"name": "report script", "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    key = re.search(rb'id="new-key" type="text" readonly value="([0-9a-f]{40})"', response.content)
    key = key.group(1).decode()
    token = AuthToken.objects.get(user=employee.user)
    assert (token.name, token.digest, token.prefix) == ("report script", hash_token(key), key[:8])
    expected = timezone.now() + dt.timedelta(days=30)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert api(key) == 200

    listed = client.get("/accounts/tokens/")
    assert key.encode() not in listed.content
    assert key[:8].encode() in listed.content and b"report script" in listed.content


def test_a_revoked_token_stops_working(employee):
    client = page_of(employee.user)
    key = re.search(
        rb'value="([0-9a-f]{40})"',
        client.post("/accounts/tokens/", {"name": "laptop", "days": "7"}).content,
    ).group(1)
    token = AuthToken.objects.get(user=employee.user)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert api(key.decode()) == 401
    assert b"revoked" in client.get("/accounts/tokens/").content


def test_nobody_sees_or_revokes_another_persons_token(employee, coordinator):
    page_of(employee.user).post("/accounts/tokens/", {"name": "mine", "days": "7"})
    token = AuthToken.objects.get(user=employee.user)
    other = page_of(coordinator)
    assert b"mine" not in other.get("/accounts/tokens/").content
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_lifetime_past_the_longest_is_refused(employee, settings):
    settings.PERSONAL_TOKEN_MAX_DAYS = 90
    response = page_of(employee.user).post("/accounts/tokens/", {"name": "x", "days": "365"})
    assert response.status_code == 400
    assert not AuthToken.objects.exists()


def test_signed_out_the_page_sends_to_sign_in(db):
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
