"""Every sign-in form (the site's, the admin's, the browsable API's, and auth/token/) limits
wrong guesses per account and per client address, with the same answer whether or not the
account exists; the client address follows NUM_PROXIES as the token throttle does."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LIMIT = 3

FORMS = {
    "site": "/accounts/login/",
    "admin": "/admin/login/",
    "browsable API": "/api-auth/login/",
}


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    cache.clear()
    yield
    cache.clear()


def attempt(path: str, username: str, password: str, address: str = "10.0.0.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        path, {"username": username, "password": password}
    )


@pytest.mark.parametrize("form", FORMS)
def test_an_account_is_locked_after_the_limit_even_for_the_right_password(form, employee):
    path = FORMS[form]
    answers = [attempt(path, "dot.employee", "wrong", f"10.0.0.{i}").status_code for i in range(3)]
    assert answers == [200, 200, 429]  # the form again twice, then the lock
    # From a fresh address, with the right password: still locked.
    locked = attempt(path, "dot.employee", PASSWORD, "10.9.9.9")
    assert locked.status_code == 429
    assert b"Too many sign-in attempts" in locked.content
    # Another account from yet another address signs in as usual.
    other = UserFactory(username="someone", is_staff=True, is_superuser=True)
    assert attempt(path, other.username, PASSWORD, "10.8.8.8").status_code == 302


def test_a_client_address_is_locked_after_the_limit_whatever_the_usernames(employee):
    for name in ("a", "b"):
        assert attempt("/accounts/login/", name, "wrong").status_code == 200
    assert attempt("/accounts/login/", "c", "wrong").status_code == 429
    assert attempt("/accounts/login/", "dot.employee", PASSWORD).status_code == 429
    assert attempt("/accounts/login/", "dot.employee", PASSWORD, "10.0.0.2").status_code == 302


def test_the_answer_does_not_tell_whether_the_account_exists(employee):
    def answers(username: str, address: str) -> list:
        return [attempt("/accounts/login/", username, "wrong", address) for _ in range(LIMIT + 1)]

    known = answers("dot.employee", "10.1.0.1")
    unknown = answers("no.such.person", "10.2.0.1")
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert known[-1].content.replace(b"dot.employee", b"X") == unknown[-1].content.replace(
        b"no.such.person", b"X"
    )


def test_a_made_up_forwarded_for_header_does_not_dodge_the_address_limit(employee):
    for i in range(LIMIT - 1):
        assert (
            attempt("/accounts/login/", f"u{i}", "x", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}").status_code
            == 200
        )
    locked = attempt("/accounts/login/", "u9", "x", HTTP_X_FORWARDED_FOR="1.1.1.99")
    assert locked.status_code == 429


def test_behind_a_proxy_the_address_comes_from_the_forwarded_header(employee, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # Every request arrives from the load balancer's address; clients differ by the header.
    for i in range(LIMIT - 1):
        attempt("/accounts/login/", f"u{i}", "x", "10.0.0.5", HTTP_X_FORWARDED_FOR="7.7.7.7")
    assert (
        attempt(
            "/accounts/login/", "u9", "x", "10.0.0.5", HTTP_X_FORWARDED_FOR="7.7.7.7"
        ).status_code
        == 429
    )
    assert (
        attempt(
            "/accounts/login/", "dot.employee", PASSWORD, "10.0.0.5", HTTP_X_FORWARDED_FOR="8.8.8.8"
        ).status_code
        == 302
    )


def test_the_token_endpoint_locks_an_account_too(employee):
    def token(password: str, address: str):
        return APIClient(REMOTE_ADDR=address).post(
            "/api/v1/auth/token/", {"username": "dot.employee", "password": password}
        )

    assert [token("wrong", f"10.3.0.{i}").status_code for i in range(LIMIT - 1)] == [400, 400]
    assert token("wrong", "10.3.0.9").status_code == 429
    locked = token(PASSWORD, "10.3.1.1")
    assert locked.status_code == 429
    assert locked.json()["code"] == "signin_locked"


def test_a_successful_sign_in_clears_the_account_count(employee):
    for _ in range(LIMIT - 1):
        attempt("/accounts/login/", "dot.employee", "wrong", "10.4.0.1")
    assert attempt("/accounts/login/", "dot.employee", PASSWORD, "10.4.0.2").status_code == 302
    for _ in range(LIMIT - 1):
        assert attempt("/accounts/login/", "dot.employee", "wrong", "10.4.0.3").status_code == 200
