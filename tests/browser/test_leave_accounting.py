"""The coordinator sends a month to leave accounting and downloads the batch, in a real browser."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from accounting.models import Batch
from hours import services
from policy import dates

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_sends_june_and_downloads_the_batch(
    monkeypatch, employee, coordinator, org, verified_hours, signed_in
):
    year = dt.date.today().year
    monkeypatch.setattr(dates, "today", lambda: dt.date(year, 7, 10))
    verified_hours(employee, 8, 0)
    for day, hours in ((3, "3"), (17, "2.5")):
        leave = services.leave_request_create(
            employee=employee,
            by=employee.user,
            date=dt.date(year, 6, day),
            hours=Decimal(hours),
            organization=org,
        )
        services.leave_request_approve(request=leave, by=coordinator)

    page = signed_in(coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leave accounting").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"June {year}: not sent yet").is_visible()
    send = page.get_by_role("button", name=f"Send June {year} to leave accounting")
    # The confirmation comes first: the browser will not send the form without it.
    send.click()
    assert page.evaluate("document.getElementById('confirm-send').validity.valueMissing")
    assert not Batch.objects.exists()
    page.get_by_label("and send them to leave accounting").check()
    screenshot(page, "coordinator-leave-accounting")
    send.click()
    page.wait_for_load_state()
    assert "as batch 1 (2 lines)" in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", name=f"June {year}: batch 1").is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name=".xlsx of batch 1").click()
    assert download.value.suggested_filename == f"leave-accounting-DOT-{year}-06-batch-1.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    lines = workbook["Lines"]
    assert f"June {year}, batch 1" in lines["A1"].value
    rows = [[cell.value for cell in row] for row in lines.iter_rows(min_row=4, max_row=5)]
    assert [(r[1], r[3].date(), r[4]) for r in rows] == [
        (employee.employee_number, dt.date(year, 6, 3), 3),
        (employee.employee_number, dt.date(year, 6, 17), 2.5),
    ]
    assert workbook["Totals"]["C4"].value == 5.5
