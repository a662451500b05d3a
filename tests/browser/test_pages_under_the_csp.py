"""The pages and the API docs work in Chromium under the Content-Security-Policy, with no
request leaving the app: no violation reported, the docs draw every operation, and the
balance bars keep their widths (classes now, not inline styles, which the CSP refuses)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page, base_url: str) -> dict[str, list[str]]:
    """Refuse every request to another origin, and collect CSP violations and such requests."""
    seen: dict[str, list[str]] = {"violations": [], "elsewhere": []}

    def route(route_):
        if route_.request.url.startswith(base_url):
            route_.continue_()
        else:
            seen["elsewhere"].append(route_.request.url)
            route_.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and seen["violations"].append(message.text)
        ),
    )
    return seen


def test_the_api_docs_draw_offline_under_the_csp(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen = watch(page, live_server.url)
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/me/" in [p.strip() for p in paths]
    assert seen == {"violations": [], "elsewhere": []}
    context.close()


def test_the_employee_page_keeps_its_bars_under_the_csp(
    signed_in, live_server, employee, verified_hours
):
    verified_hours(employee, 10)
    page = signed_in(employee.user)
    seen = watch(page, live_server.url)
    page.goto("/me/")
    solid = page.locator(".bar .solid").nth(1).bounding_box()
    whole = page.locator(".bar").nth(1).bounding_box()
    assert solid["width"] > 0.05 * whole["width"]
    assert seen["violations"] == []
