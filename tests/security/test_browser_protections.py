"""What every answer carries, found missing by the review: a JSON 500 with a request id for
the API, Cache-Control: no-store for a signed-in user, a strict Content-Security-Policy and a
Permissions-Policy on every page (the API docs included, served from the app itself), and the
X-Forwarded-Proto header trusted only behind a proxy."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory

from identity import apis as identity_apis
from leave_tracker.exceptions import handler500

from .test_check_deploy import ROOT, _production_env

pytestmark = pytest.mark.django_db


def test_an_unexpected_api_error_is_json_with_a_request_id_that_is_logged(
    employee, client_for, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug we did not foresee")

    monkeypatch.setattr(identity_apis, "employee_of", broken)
    with caplog.at_level(logging.ERROR, logger="leave_tracker.errors"):
        response = client_for(employee.user).get("/api/v1/me/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "server_error"
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])
    assert body["request_id"] in body["detail"]
    assert response["X-Request-ID"] == body["request_id"]
    logged = [r for r in caplog.records if body["request_id"] in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError
    assert "a bug we did not foresee" not in response.content.decode()


def test_an_error_outside_the_api_views_is_json_under_the_api_and_html_elsewhere():
    """Django's last resort (handler500), for an error before a DRF view handles it."""
    api = RequestFactory().get("/api/v1/me/")
    api.request_id = "abc123"
    response = handler500(api)
    assert response.status_code == 500
    body = json.loads(response.content)
    assert (body["code"], body["request_id"]) == ("server_error", "abc123")
    page = RequestFactory().get("/me/")
    page.request_id = "abc123"
    assert handler500(page)["Content-Type"].startswith("text/html")


def test_signed_in_answers_are_not_stored(employee, client_for, client):
    api = client_for(employee.user).get("/api/v1/me/")
    assert api.status_code == 200
    assert "no-store" in api["Cache-Control"]
    client.force_login(employee.user)
    page = client.get("/me/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]


def test_signed_in_with_a_token_is_not_stored_either(world):
    response = Client().get("/api/v1/balances/", **world.headers("employee"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/accounts/login/", None),
        ("/me/", "employee"),
        ("/coordinator/", "coordinator"),
        ("/coordinator/roster/", "coordinator"),
        ("/workgroup/", "workgroup"),
        ("/admin/", "admin"),
        ("/admin/agencies/pilot/", "admin"),
        ("/api/v1/docs/", None),
        ("/api/v1/docs/?script=", None),
        ("/api/v1/schema/", None),
        ("/api/v1/me/", "employee"),
        ("/healthz", None),
    ],
)
def test_every_page_has_a_strict_csp_and_a_permissions_policy(url, who, world, client):
    if who:
        client.force_login(world.users[who])
    response = client.get(url)
    assert response.status_code == 200, url
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        # No inline script or style for the CSP to block: every script has a src.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html, url
        assert "<style" not in html or url.startswith("/admin/"), url


def test_the_api_docs_are_served_by_the_app_itself(client):
    html = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/"), source  # nothing from another origin, no CDN
        path = source.split("?")[0]
        if path.startswith("/static/"):
            assert finders.find(path.removeprefix("/static/")), path
    assert any("swagger-ui-bundle.js" in source for source in sources)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert "@latest" not in html and "cdn" not in html.lower()


def _setting(name: str, **env) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            f"print(getattr(settings, {name!r}, None))",
        ],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_x_forwarded_proto_is_trusted_only_behind_a_proxy():
    assert _setting("SECURE_PROXY_SSL_HEADER", NUM_PROXIES="0") == "None"
    assert _setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert _setting("SECURE_PROXY_SSL_HEADER", NUM_PROXIES="1") == str(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )


def test_a_client_cannot_skip_the_https_redirect_with_the_header(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None  # as production sets it with no proxy in front
    response = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
