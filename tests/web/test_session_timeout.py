"""A web session ends after SESSION_IDLE_MINUTES without a request, and 12 hours after
sign-in however busy."""

from __future__ import annotations

import time

import pytest

from leave_tracker.middleware import SessionTimeoutMiddleware
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """clock.move(seconds): the middleware's time, moved on from now."""

    class Clock:
        offset = 0

        def move(self, seconds: int) -> None:
            self.offset += seconds

    clock = Clock()
    monkeypatch.setattr(
        SessionTimeoutMiddleware, "now", staticmethod(lambda: int(time.time()) + clock.offset)
    )
    return clock


def signed_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_idle_past_the_limit_ends(client, employee, clock, settings):
    settings.SESSION_IDLE_MINUTES = 30
    signed_in(client, employee.user)
    clock.move(29 * 60)
    assert client.get("/me/").status_code == 200
    clock.move(29 * 60)  # 29 minutes after the last request: still on
    assert client.get("/me/").status_code == 200
    clock.move(31 * 60)
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/")
    assert client.get("/api/v1/me/").status_code == 401  # signed out for the API too
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_after_twelve_hours(client, employee, clock):
    signed_in(client, employee.user)
    for _ in range(35):  # a request every 20 minutes for 11 hours 40 minutes
        clock.move(20 * 60)
        assert client.get("/me/").status_code == 200
    clock.move(25 * 60)
    assert client.get("/me/").status_code == 302
    assert client.get("/api/v1/me/").status_code == 401


def test_a_token_is_not_a_session_and_keeps_its_own_expiry(employee, clock):
    from rest_framework.test import APIClient

    from accounts.services import token_create

    key, _ = token_create(user=employee.user)
    clock.move(3 * 3600)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code == 200
