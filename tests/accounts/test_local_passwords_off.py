"""LOCAL_PASSWORDS=0: password sign-in and reset for administrators only, and they give a TOTP
code too, set up on their first sign-in; everyone else signs in through the agency's
provider."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def passwords_off(settings):
    settings.LOCAL_PASSWORDS = False
    cache.clear()
    yield
    cache.clear()


def sign_in(user) -> tuple[Client, object]:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client, response


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


def test_an_employee_can_no_longer_sign_in_or_get_a_token_with_a_password(employee):
    client, response = sign_in(employee.user)
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert client.get("/api/v1/me/").status_code == 401
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": employee.user.username, "password": PASSWORD}
    )
    assert token.status_code == 400


def test_reset_emails_go_to_administrators_only(employee, admin_user):
    admin_user.email = "admin@example.ca.gov"
    admin_user.save()
    Client().post("/accounts/password-reset/", {"email": employee.user.email})
    assert mail.outbox == []
    Client().post("/accounts/password-reset/", {"email": "admin@example.ca.gov"})
    assert [m.to for m in mail.outbox] == [["admin@example.ca.gov"]]


def test_an_administrator_sets_up_a_code_on_first_sign_in_and_gives_one_each_time(admin_user):
    client, response = sign_in(admin_user)
    assert response.status_code == 302
    # Nothing but the second-factor page until a code is given.
    held = client.get("/admin/")
    assert held.status_code == 302
    assert held["Location"].startswith("/accounts/two-factor/?next=/admin/")
    api = client.get("/api/v1/me/")
    assert (api.status_code, api.json()["code"]) == (403, "second_factor_required")

    setup = client.get("/accounts/two-factor/")
    assert setup.status_code == 200
    key = re.search(rb'id="otp-key" type="text" readonly value="([A-Z2-7]+)"', setup.content)
    assert key is not None
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)

    wrong = client.post("/accounts/two-factor/?next=/admin/", {"code": "000000"})
    assert wrong.status_code == 400
    assert client.get("/admin/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    done = client.post("/accounts/two-factor/?next=/admin/", {"code": code_for(device)})
    assert (done.status_code, done["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    # The next sign-in asks for a code, and shows no key.
    again, _ = sign_in(admin_user)
    page = again.get("/accounts/two-factor/")
    assert b"otp-key" not in page.content
    assert again.get("/admin/").status_code == 302
    device.refresh_from_db()
    ok = again.post("/accounts/two-factor/", {"code": code_for(device, drift=1)})
    assert ok.status_code == 302
    assert again.get("/admin/").status_code == 200


def test_an_administrators_token_needs_a_code_too(admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    api = APIClient()
    body = {"username": admin_user.username, "password": PASSWORD}
    refused = api.post("/api/v1/auth/token/", body)
    assert refused.status_code == 400
    assert "otp" in refused.json()
    granted = api.post("/api/v1/auth/token/", {**body, "otp": code_for(device)})
    assert granted.status_code == 200


def test_the_second_factor_page_is_for_administrators(employee, settings):
    settings.LOCAL_PASSWORDS = True
    client = Client()
    client.force_login(employee.user)
    assert client.get("/accounts/two-factor/").status_code == 404


def test_with_local_passwords_on_nothing_changes(admin_user, settings):
    settings.LOCAL_PASSWORDS = True
    client, response = sign_in(admin_user)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
