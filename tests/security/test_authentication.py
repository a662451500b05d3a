"""Tokens that expire, can be revoked and are stored hashed; the token endpoint is throttled;
passwords are hashed with Argon2 in production; session authentication keeps CSRF."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import AuthToken, hash_token
from accounts.services import token_create

from ..factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _me(key: str | None):
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/")


def test_anonymous_api_request_answers_401_with_the_token_challenge(db):
    response = _me(None)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_from_password_works_until_it_expires(employee):
    cache.clear()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "dot.employee", "password": PASSWORD}, format="json"
    )
    key = response.json()["token"]
    assert _me(key).status_code == 200

    AuthToken.objects.filter(digest=hash_token(key)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    expired = _me(key)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_token_expires_after_the_configured_hours(employee):
    key, token = token_create(user=employee.user)

    lifetime = token.expires_at - token.created_at
    assert dt.timedelta(hours=11, minutes=59) < lifetime <= dt.timedelta(hours=12)


def test_logout_revokes_the_token_and_only_that_one(employee):
    key, _ = token_create(user=employee.user)
    other_key, _ = token_create(user=employee.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.post("/api/v1/auth/logout/").status_code == 204

    assert _me(key).status_code == 401
    assert AuthToken.objects.get(digest=hash_token(key)).revoked_at is not None
    assert _me(other_key).status_code == 200


def test_tokens_are_stored_as_digests_never_as_keys(employee):
    key, token = token_create(user=employee.user)

    stored = AuthToken.objects.get(pk=token.pk)
    assert stored.digest != key
    assert stored.digest == hash_token(key)
    assert not AuthToken.objects.filter(digest=key).exists()
    assert key not in {value for value in vars(stored).values() if isinstance(value, str)}


def test_token_of_an_inactive_user_is_refused(employee):
    key, _ = token_create(user=employee.user)
    employee.user.is_active = False
    employee.user.save()

    assert _me(key).status_code == 401


def test_token_endpoint_is_throttled_against_password_guessing(employee, monkeypatch):
    # The rate is read into the throttle class when DRF loads; 3 a minute keeps the test short.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    cache.clear()
    client = APIClient()
    guesses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "dot.employee", "password": f"guess {n}"},
            format="json",
        ).status_code
        for n in range(3)
    ]
    refused = client.post(
        "/api/v1/auth/token/", {"username": "dot.employee", "password": PASSWORD}, format="json"
    )
    cache.clear()

    assert guesses == [400, 400, 400]
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_a_made_up_forwarded_for_header_does_not_dodge_the_throttle(employee, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    cache.clear()
    client = APIClient()
    answers = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "dot.employee", "password": f"guess {n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(4)
    ]
    cache.clear()
    assert answers == [400, 400, 400, 429]


def test_production_throttle_rate_for_the_token_endpoint_is_set():
    assert ScopedRateThrottle.THROTTLE_RATES["auth"] == "10/min"


def test_session_authentication_enforces_csrf(employee, org, today):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(employee.user)
    body = {
        "date": today.isoformat(),
        "hours": "1.00",
        "source": "non_working_time",
        "organization": org.pk,
    }

    assert client.get("/api/v1/me/").status_code == 200
    refused = client.post("/api/v1/personal-hours/", body, format="json")

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not employee.personal_hours.exists()


def test_argon2_is_the_first_password_hasher_in_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "leave_tracker.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789abcdef",
    }
    code = (
        "import django; django.setup();"
        "from django.conf import settings;"
        "from django.contrib.auth.hashers import get_hasher;"
        "print(settings.PASSWORD_HASHERS[0]); print(get_hasher().algorithm)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    first, algorithm = result.stdout.split()
    assert first == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert algorithm == "argon2"
