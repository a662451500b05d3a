"""Every page, for every role, at desktop and phone widths, checked by axe-core for WCAG 2.1
A and AA: the run fails on any violation. Then what axe cannot judge alone: the focus ring's
contrast, tables that scroll sideways reached by the keyboard, and a message after a redirect
announced."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from hours import services

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": False, "phone": True}


@pytest.fixture
def year_of_work(employee, coordinator, second_coordinator, org, day, today):
    """An employee with history in both tables and items in the coordinator's queues: a
    verified, a rejected and a logged personal entry, an approved, a denied and a pending
    request."""
    common = {"employee": employee, "by": employee.user, "organization": org}
    entries = [
        services.personal_hours_log(
            **common, date=day(n), hours=Decimal("3"), source="non_working_time", notes="Library"
        )
        for n in range(3)
    ]
    services.personal_hours_verify(
        entry=entries[0], by=coordinator, verified_by_name="Dana Cruz", reason="A signed form"
    )
    services.personal_hours_reject(entry=entries[1], by=coordinator, reason="Entered twice")
    approved = services.leave_request_create(**common, date=day(5), hours=Decimal("1"))
    services.leave_request_approve(request=approved, by=coordinator)
    denied = services.leave_request_create(**common, date=day(6), hours=Decimal("1"))
    services.leave_request_deny(request=denied, by=coordinator, reason="Crew shortage")
    services.leave_request_create(**common, date=today, hours=Decimal("1"))
    # The coordinator's own year, decided by the second coordinator.
    own = services.personal_hours_log(
        employee=coordinator.employee,
        by=coordinator,
        date=day(0),
        hours=Decimal("2"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        entry=own, by=second_coordinator, verified_by_name="Office", reason="A phone call"
    )
    return employee


def roster_workbook(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    sheet.append(
        [
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "bargaining_unit",
            "appointment",
            "pilot",
            "organization",
            "commitment_starts_on",
            "commitment_ends_on",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def visit(page, path: str, check, what: str) -> None:
    page.goto(path)
    page.wait_for_load_state()
    check(page, what)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_pages_anyone_sees_have_no_wcag_violation(
    browser, live_server, check_accessibility, width
):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE if WIDTHS[width] else DESKTOP
    )
    page = context.new_page()
    try:
        for path, what in [
            ("/accounts/login/", "sign in"),
            ("/accounts/password-reset/", "set your password"),
            ("/accounts/password-reset/sent/", "link sent"),
            ("/accounts/reset/MQ/forged-token/", "a link that no longer works"),
            ("/accounts/reset/done/", "password set"),
            ("/no/such/page/", "page not found"),
        ]:
            visit(page, path, check_accessibility, f"{what} ({width})")
        # The sign-in form with an error.
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("nobody")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        check_accessibility(page, f"sign-in refused ({width})")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_employees_pages_have_no_wcag_violation(
    year_of_work, signed_in, check_accessibility, org, today, width
):
    page = signed_in(year_of_work.user, phone=WIDTHS[width])
    visit(page, "/me/", check_accessibility, f"my year ({width})")
    visit(page, f"/me/?year={today.year - 1}", check_accessibility, f"last year ({width})")
    visit(page, "/coordinator/", check_accessibility, f"403 queue ({width})")
    if width == "desktop":
        screenshot(page, "employee-forbidden-page")
    visit(page, "/me/?year=1800", check_accessibility, f"400 year ({width})")
    # A form with an error next to its field, then a message after a redirect.
    page.goto("/me/")
    form = page.locator("#request-form")
    form.get_by_label("Date of the leave").fill(today.isoformat())
    form.get_by_label("Paid hours").fill("30")
    form.get_by_role("button", name="Request leave").click()
    page.wait_for_load_state()
    check_accessibility(page, f"request refused ({width})")
    log = page.locator("#log-form")
    log.get_by_label("Hours").fill("1.25")
    log.get_by_role("button", name="Log hours").click()
    page.wait_for_load_state()
    check_accessibility(page, f"hours logged ({width})")
    # The same again: refused as a repeat, with the box to confirm. (Back is no way to send it
    # twice: signed-in pages are no-store, so the browser asks the server again.)
    page.reload()
    page.wait_for_load_state()
    log = page.locator("#log-form")
    log.get_by_label("Hours").fill("1.25")
    log.get_by_role("button", name="Log hours").click()
    page.wait_for_load_state()
    assert "Nothing new was saved" in page.locator("#log-form").inner_text()
    check_accessibility(page, f"repeat refused ({width})")
    if width == "desktop":
        screenshot(page, "employee-repeat-refused")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coordinators_pages_have_no_wcag_violation(
    year_of_work, coordinator, signed_in, check_accessibility, tmp_path, width
):
    page = signed_in(coordinator, phone=WIDTHS[width])
    for path, what in [
        ("/", "start"),
        ("/me/", "own year"),
        ("/coordinator/", "queue"),
        ("/coordinator/roster/", "roster"),
        ("/workgroup/", "403 adoption"),
    ]:
        visit(page, path, check_accessibility, f"{what} ({width})")
    # The queue with an error in a card, the bulk confirmation and its results.
    page.goto("/coordinator/")
    card = page.locator(".item").first
    card.get_by_role("button", name="Deny").click()
    page.wait_for_load_state()
    check_accessibility(page, f"deny without a reason ({width})")
    page.get_by_label("Select all requests on this page").check()
    page.get_by_role("button", name="Approve selected").click()
    page.wait_for_load_state()
    check_accessibility(page, f"bulk confirmation ({width})")
    if width == "desktop":
        screenshot(page, "coordinator-bulk-confirm")
    page.locator("#bulk-confirm").get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    check_accessibility(page, f"bulk results ({width})")
    # The roster's import: a dry run's list, then a file with bad rows.
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        roster_workbook(
            [
                [
                    "800001",
                    "Ana",
                    "Reyes",
                    "ana@example.ca.gov",
                    "R01",
                    "permanent",
                    "DOT Pilot",
                    "Friends for Youth",
                    "2026-09-01",
                    "2027-06-30",
                ]
            ]
        )
    )
    page.goto("/coordinator/roster/")
    page.get_by_label("Roster file").set_input_files(str(good))
    page.get_by_label("Only check the file, save nothing").check()
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("dry-run-changes").is_visible()
    check_accessibility(page, f"roster dry run ({width})")
    if width == "desktop":
        screenshot(page, "coordinator-roster-dry-run")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(roster_workbook([["1", "", "", "x", "99"]]))
    page.get_by_label("Roster file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    check_accessibility(page, f"roster errors ({width})")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_workgroups_and_the_administrators_pages_have_no_wcag_violation(
    year_of_work, workgroup, admin_user, dph, signed_in, check_accessibility, width
):
    page = signed_in(workgroup, phone=WIDTHS[width])
    visit(page, "/workgroup/", check_accessibility, f"adoption ({width})")
    page.locator("summary", has_text="The numbers").click()
    check_accessibility(page, f"adoption numbers ({width})")
    visit(page, "/me/", check_accessibility, f"403 my year ({width})")
    visit(page, "/coordinator/roster/", check_accessibility, f"403 roster ({width})")

    admin = signed_in(admin_user, phone=WIDTHS[width])
    for path, what in [
        ("/", "start"),
        ("/coordinator/", "queue"),
        ("/coordinator/roster/?agency=DOT", "roster"),
        ("/workgroup/", "adoption"),
    ]:
        visit(admin, path, check_accessibility, f"admin {what} ({width})")


# --- What axe cannot judge alone ----------------------------------------------------------------

CONTRAST = """([a, b]) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => {
    const v = c.map(x => {
      x /= 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const [l1, l2] = [lum(rgb(a)), lum(rgb(b))].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}"""


def focused_ring(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
        let bg = null, node = el.parentElement;
        while (node) {
          const c = getComputedStyle(node).backgroundColor;
          if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
          node = node.parentElement;
        }
        return {outline: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                background: bg || 'rgb(255, 255, 255)'}; }"""
    )


def test_the_focus_ring_stands_out_3_to_1_on_the_page_and_in_the_header(employee, signed_in):
    page = signed_in(employee.user)
    page.goto("/me/")
    # In the page: the first link of the main content.
    page.locator("#main a, #main select").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = focused_ring(page)
    assert ring["style"] == "solid" and ring["width"] >= 2
    assert page.evaluate(CONTRAST, [ring["outline"], ring["background"]]) >= 3
    # In the blue header: the brand link.
    page.locator(".brand").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    ring = focused_ring(page)
    assert ring["style"] == "solid"
    assert page.evaluate(CONTRAST, [ring["outline"], ring["background"]]) >= 3


def test_a_table_wider_than_a_phone_scrolls_with_the_keyboard(workgroup, dot, dph, signed_in):
    page = signed_in(workgroup, phone=True)
    page.goto("/workgroup/")
    region = page.get_by_role("region", name="Figures by agency")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5_000)


def test_a_message_after_a_redirect_is_announced(employee, org, day, signed_in):
    page = signed_in(employee.user)
    page.goto("/me/")
    log = page.locator("#log-form")
    log.get_by_label("Hours").fill("1")
    log.get_by_role("button", name="Log hours").click()
    page.wait_for_load_state()
    status = page.locator("#announce")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "() => document.getElementById('announce').textContent.includes('Logged 1 hour of')"
    )
    assert "Logged 1 hour of personal mentoring" in page.locator(".messages").inner_text()
    assert "1 hours" not in page.locator("body").inner_text()


def test_the_approve_button_acts_on_the_request_its_card_shows(
    employee, coordinator, org, today, verified_hours, signed_in
):
    verified_hours(employee, 4)
    first, second = (
        services.leave_request_create(
            employee=employee, by=employee.user, date=today, hours=Decimal(h), organization=org
        )
        for h in ("1", "2")
    )
    page = signed_in(coordinator)
    page.goto("/coordinator/")
    page.locator(f"#request-{second.pk}").get_by_role(
        "button", name=f"request #{second.pk}"
    ).click()
    page.wait_for_load_state()
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, second.status) == ("pending", "approved")
    assert (
        f"Approved 2 hours for {employee.user.get_full_name()}"
        in page.locator(".messages").inner_text()
    )
    # The card that slid into the place of the approved one is still there, undecided.
    assert page.locator(f"#request-{first.pk}").is_visible()


def test_the_password_reset_field_is_styled_as_the_others(db, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto("/accounts/password-reset/")
        email = page.get_by_label("Work email").evaluate(
            "el => [getComputedStyle(el).minHeight, getComputedStyle(el).borderRadius]"
        )
        page.goto("/accounts/login/")
        username = page.get_by_label("Username").evaluate(
            "el => [getComputedStyle(el).minHeight, getComputedStyle(el).borderRadius]"
        )
        assert email == username == ["44px", "6px"]
    finally:
        context.close()


def test_a_reason_with_an_error_keeps_its_width_and_the_verified_on_hint_shows(
    employee, coordinator, org, day, today, verified_hours, signed_in
):
    verified_hours(employee, 2)
    services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=day(1),
        hours=Decimal("1"),
        source="non_working_time",
        organization=org,
    )
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("1"), organization=org
    )
    page = signed_in(coordinator)
    page.goto("/coordinator/")
    card = page.locator(f"#request-{leave.pk}")
    reason = card.get_by_label("Reason for denying")
    before = reason.bounding_box()["width"]
    reason.fill("   ")  # past the browser's own check; the service needs a written reason
    card.get_by_role("button", name="Deny").click()
    page.wait_for_load_state()
    reason = page.locator(f"#request-{leave.pk}").get_by_label("Reason for denying")
    assert reason.get_attribute("aria-invalid") == "true"
    assert abs(reason.bounding_box()["width"] - before) <= 1
    hints = page.locator(".item").filter(has_text="Verified on").locator(".helptext")
    hint = hints.filter(has_text="Default: today.").last
    assert hint.is_visible()


def test_the_checker_fails_on_a_violation(browser, check_accessibility):
    """The check above is not a pass by default: a page with an image without a text
    alternative and a field without a label fails it, naming the rules."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:,"><input type="text"></main></body></html>'
        )
        with pytest.raises(pytest.fail.Exception) as failure:
            check_accessibility(page, "a bad page")
        assert "image-alt" in str(failure.value) and "label" in str(failure.value)
    finally:
        context.close()
