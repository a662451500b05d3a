"""auth/token/ and auth/logout/: tokens that expire, can be revoked, and are stored only as a
digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuthToken, hash_token
from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def no_earlier_attempts():
    """The sign-in throttle counts attempts in the cache; start every test with none."""
    cache.clear()
    yield
    cache.clear()


def sign_in(username: str, password: str = PASSWORD):
    return APIClient().post(TOKEN, {"username": username, "password": password})


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_user_gets_a_token_that_opens_the_api(employee):
    response = sign_in("dot.employee")
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json()["expires_at"]
    me = with_token(key).get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == "dot.employee"


def test_a_wrong_password_answers_400_and_gives_no_token(employee):
    response = sign_in("dot.employee", "wrong password")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_an_unknown_user_or_missing_password_answers_400(db):
    assert sign_in("nobody").status_code == 400
    missing = APIClient().post(TOKEN, {"username": "dot.employee"})
    assert missing.status_code == 400
    assert "password" in missing.json()


def test_an_inactive_user_gets_no_token(employee):
    employee.user.is_active = False
    employee.user.save()
    assert sign_in("dot.employee").status_code == 400
    assert not AuthToken.objects.exists()


def test_an_employee_created_without_a_password_cannot_sign_in(client_for, coordinator):
    created = client_for(coordinator).post(
        "/api/v1/employees/",
        {
            "agency": "DOT",
            "employee_number": "700300",
            "first_name": "Lee",
            "last_name": "Park",
            "email": "lee.park@example.ca.gov",
            "bargaining_unit": "1",
            "appointment": "permanent",
        },
    )
    assert created.status_code == 201
    assert sign_in("700300", "").status_code == 400
    assert sign_in("700300", "anything at all").status_code == 400


def test_the_token_is_stored_only_as_its_digest(employee):
    key = sign_in("dot.employee").json()["token"]
    token = AuthToken.objects.get()
    assert token.digest == hash_token(key)
    assert token.digest != key
    assert token.prefix == key[:8]
    stored = [str(value) for value in AuthToken.objects.values_list().get()]
    assert key not in stored


def test_an_expired_token_answers_401(employee):
    key = sign_in("dot.employee").json()["token"]
    AuthToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = with_token(key).get(ME)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_made_up_token_answers_401(employee):
    assert with_token("0" * 40).get(ME).status_code == 401


def test_logging_out_revokes_the_token(employee):
    key = sign_in("dot.employee").json()["token"]
    client = with_token(key)
    assert client.post(LOGOUT).status_code == 204
    assert AuthToken.objects.get().revoked_at is not None
    assert client.get(ME).status_code == 401
    assert client.post(LOGOUT).status_code == 401


def test_logging_out_one_token_leaves_the_others_working(employee):
    first = sign_in("dot.employee").json()["token"]
    second = sign_in("dot.employee").json()["token"]
    assert with_token(first).post(LOGOUT).status_code == 204
    assert with_token(second).get(ME).status_code == 200


def test_logging_out_needs_a_token_session(client_for, employee):
    assert APIClient().post(LOGOUT).status_code == 401
    response = client_for(employee.user).post(LOGOUT)  # signed in without a token
    assert response.status_code == 400


def test_repeated_sign_in_attempts_are_throttled(employee, settings):
    # The address's throttle alone; the per-account lock-out (django-axes) has its own tests.
    settings.AXES_ENABLED = False
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    answers = [sign_in("dot.employee", "wrong").status_code for _ in range(allowed + 1)]
    assert answers == [400] * allowed + [429]
