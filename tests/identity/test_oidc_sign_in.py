"""Signing in through the agency's OpenID Connect provider: a real provider on loopback
(tests/identity/provider.py), the real library, the real token exchange and signature check."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def start(client: Client, provider, claims: dict):
    """Up to the provider's answer: the callback path (with code and state) it sends back."""
    provider.claims = claims
    begin = client.get("/oidc/authenticate/")
    assert begin.status_code == 302
    assert begin["Location"].startswith(f"{provider.issuer}/authorize?")
    answer = requests.get(begin["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def signed_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/me/")
    return response.json()["username"] if response.status_code == 200 else None


def verified(user, **more) -> dict:
    return {"sub": f"sub-{user.pk}", "email": user.email, "email_verified": True, **more}


def test_a_person_on_the_roster_signs_in_with_their_verified_email(client, provider, employee):
    callback = start(client, provider, verified(employee.user))
    response = client.get(callback)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == "dot.employee"
    assert client.session["_auth_user_backend"] == "identity.oidc.ProgramOIDCBackend"
    employee.user.refresh_from_db()
    assert employee.user.last_login is not None


def test_the_employee_number_claim_links_when_it_is_configured(
    client, provider, employee, settings
):
    settings.OIDC_EMPLOYEE_NUMBER_CLAIM = "employee_id"
    claims = {"sub": "x1", "email": "someone.else@example.ca.gov", "email_verified": False}
    callback = start(client, provider, {**claims, "employee_id": employee.employee_number})
    assert client.get(callback).status_code == 302
    assert signed_in_as(client) == "dot.employee"


def test_an_unknown_person_gets_the_roster_page_and_no_account(client, provider, employee):
    users = User.objects.count()
    claims = {"sub": "x2", "email": "new.person@example.ca.gov", "email_verified": True}
    response = client.get(start(client, provider, claims))
    assert response.status_code == 403
    assert b"you are not on a pilot roster" in response.content
    assert User.objects.count() == users
    assert signed_in_as(client) is None


def test_an_unverified_email_links_nobody(client, provider, employee):
    claims = verified(employee.user, email_verified=False)
    response = client.get(start(client, provider, claims))
    assert response.status_code == 403
    assert b"did not confirm your email" in response.content
    assert signed_in_as(client) is None


def test_two_accounts_with_one_email_link_neither(client, provider, employee):
    UserFactory(username="twin", email=employee.user.email)
    response = client.get(start(client, provider, verified(employee.user)))
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_an_id_token_signed_with_another_key_is_refused(client, provider, employee):
    provider.sign_with_other_key = True
    response = client.get(start(client, provider, verified(employee.user)))
    assert response.status_code == 400
    assert b"could not be" in response.content
    assert signed_in_as(client) is None


def test_an_id_token_for_another_audience_is_refused(client, provider, employee):
    provider.audience = "some-other-application"
    response = client.get(start(client, provider, verified(employee.user)))
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_an_expired_id_token_is_refused(client, provider, employee):
    provider.expires_in = -60
    response = client.get(start(client, provider, verified(employee.user)))
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_a_replayed_state_is_refused_and_the_code_is_not_exchanged_again(
    client, provider, employee
):
    callback = start(client, provider, verified(employee.user))
    assert client.get(callback).status_code == 302
    client.post("/accounts/logout/")
    assert signed_in_as(client) is None

    again = client.get(callback)
    assert again.status_code == 400
    assert signed_in_as(client) is None
    # ... and from another browser, which never started a sign-in.
    assert Client().get(callback).status_code == 400
    assert provider.token_requests == 1


def test_a_state_from_another_browser_is_refused(client, provider, employee):
    """A callback link made for someone else's browser does not sign in this one."""
    Client().get("/oidc/authenticate/")  # this browser has a sign-in of its own under way
    client.get("/oidc/authenticate/")
    foreign = start(Client(), provider, verified(employee.user))
    assert client.get(foreign).status_code == 400
    assert signed_in_as(client) is None
    assert provider.token_requests == 0


def test_the_provider_refuses_a_code_without_the_pkce_verifier(client, provider, employee):
    """The program sends the PKCE challenge and verifier; a code used without the verifier
    (as a thief of the code would) is refused by the provider."""
    callback = start(client, provider, verified(employee.user))
    code = callback.split("code=")[1].split("&")[0]
    stolen = requests.post(
        f"{provider.issuer}/token",
        data={
            "client_id": "mentoring-leave",
            "client_secret": "s3cret-for-tests",
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://testserver/oidc/callback/",
            "code_verifier": "not-the-verifier-" + "x" * 40,
        },
        timeout=10,
    )
    assert stolen.status_code == 400
    assert stolen.json()["detail"] == "PKCE failed"


def test_without_configuration_the_provider_sign_in_is_off(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=a&state=b").status_code == 404
    assert b"agency account" not in client.get("/accounts/login/").content


def test_the_sign_in_page_offers_the_provider_when_configured(client, provider):
    assert b"Sign in with your agency account" in client.get("/accounts/login/").content
