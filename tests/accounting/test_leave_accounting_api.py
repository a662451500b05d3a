"""The leave accounting API: preview, send, list and download batches; who may do what."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounting import selectors, services
from accounting.models import Batch
from hours import services as hours_services
from reports import leave_accounting
from tests.factories import UserFactory

from .conftest import API, JULY, JUNE, YEAR, on

pytestmark = pytest.mark.django_db

URL = f"{API}/reports/leave-accounting"


@pytest.fixture
def june_sent(dot, employee, second_employee, coordinator, approved):
    """Two DOT employees' June leave, sent as batch 1."""
    approved(employee, 4, on(6, 3))
    approved(second_employee, 3, on(6, 5))
    return services.batch_send(agency=dot, period=on(6, 1), by=coordinator)


def test_the_preview_lists_unsent_lines_with_totals_per_employee(
    client_for, coordinator, employee, second_employee, approved
):
    approved(employee, 4, on(6, 3))
    approved(employee, 2, on(6, 10))
    approved(second_employee, 3, on(6, 5))

    response = client_for(coordinator).get(f"{URL}/dot/?period={JUNE}&format=json")

    assert response.status_code == 200
    body = response.json()
    assert (body["agency"], body["period"], body["sent"], body["batch"]) == (
        "DOT",
        JUNE,
        False,
        None,
    )
    assert body["leave_type"] == "Mentoring leave"
    assert [(x["employee_number"], x["date"], x["hours"], x["late"]) for x in body["lines"]] == [
        (employee.employee_number, f"{YEAR}-06-03", "4.00", False),
        (employee.employee_number, f"{YEAR}-06-10", "2.00", False),
        (second_employee.employee_number, f"{YEAR}-06-05", "3.00", False),
    ]
    assert body["lines"][0]["approver"] == coordinator.get_full_name()
    assert body["totals"] == [
        {
            "employee_number": employee.employee_number,
            "employee": employee.user.get_full_name(),
            "hours": "6.00",
        },
        {
            "employee_number": second_employee.employee_number,
            "employee": second_employee.user.get_full_name(),
            "hours": "3.00",
        },
    ]
    assert body["total_hours"] == "9.00"
    assert not Batch.objects.exists()


def test_a_coordinator_sends_a_month_and_it_becomes_batch_1(
    client_for, coordinator, employee, approved
):
    approved(employee, 4, on(6, 3))

    response = client_for(coordinator).post(f"{URL}/DOT/send/", {"period": JUNE}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["period"], body["line_count"], body["total_hours"]) == (
        1,
        JUNE,
        1,
        "4.00",
    )
    batch = Batch.objects.get()
    assert batch.sent_by == coordinator and batch.lines.count() == 1
    listing = client_for(coordinator).get(f"{URL}/DOT/batches/").json()
    assert [row["number"] for row in listing["results"]] == [1]
    # The month now answers with its batch.
    sent = client_for(coordinator).get(f"{URL}/DOT/?period={JUNE}&format=json").json()
    assert sent["sent"] is True and sent["batch"]["number"] == 1


def test_sending_twice_or_an_empty_month_answers_400_naming_the_period(
    client_for, coordinator, employee, approved
):
    client = client_for(coordinator)
    empty = client.post(f"{URL}/DOT/send/", {"period": JUNE}, format="json")
    assert empty.status_code == 400
    assert "Nothing to send for June" in empty.json()["period"][0]

    approved(employee, 4, on(6, 3))
    assert client.post(f"{URL}/DOT/send/", {"period": JUNE}, format="json").status_code == 201
    again = client.post(f"{URL}/DOT/send/", {"period": JUNE}, format="json")
    assert again.status_code == 400
    assert "already sent as batch 1" in again.json()["period"][0]
    assert Batch.objects.count() == 1


@pytest.mark.parametrize(
    ("period", "says"),
    [
        ("", "Give the month"),
        ("2026-13", "is not a month"),
        ("26-11", "is not a month"),
        ("2026-1", "is not a month"),
        ("november", "is not a month"),
        (f"{YEAR}-08", "has not begun"),
        (f"{YEAR + 1}-01", "has not begun"),
        ("1995-12", "Mentoring leave began in 1996"),
    ],
)
def test_a_bad_period_answers_400_naming_period(client_for, coordinator, dot, period, says):
    client = client_for(coordinator)

    read = client.get(f"{URL}/DOT/?period={period}&format=json")
    sent = client.post(f"{URL}/DOT/send/", {"period": period}, format="json")

    assert read.status_code == 400 and says in read.json()["period"][0]
    assert sent.status_code == 400 and "period" in sent.json()
    assert not Batch.objects.exists()


def test_an_unknown_format_answers_400(client_for, coordinator, dot):
    response = client_for(coordinator).get(f"{URL}/DOT/?period={JUNE}&format=pdf")
    assert response.status_code == 400 and "format" in response.json()


def test_who_reads_and_who_sends(
    client_for, june_sent, coordinator, other_coordinator, workgroup, admin_user, employee, dph
):
    for reader in (coordinator, workgroup, admin_user):
        assert client_for(reader).get(f"{URL}/DOT/batches/1/?format=json").status_code == 200
    assert client_for(other_coordinator).get(f"{URL}/DOT/batches/1/").status_code == 404
    assert client_for(other_coordinator).get(f"{URL}/DOT/?period={JUNE}").status_code == 404
    assert client_for(employee.user).get(f"{URL}/DOT/batches/1/").status_code == 403
    assert client_for(None).get(f"{URL}/DOT/batches/1/").status_code == 401
    assert client_for(coordinator).get(f"{URL}/DOT/batches/2/").status_code == 404
    assert client_for(coordinator).get(f"{URL}/NOPE/batches/").status_code == 404

    body = {"period": JULY}
    assert client_for(workgroup).post(f"{URL}/DOT/send/", body, format="json").status_code == 403
    assert (
        client_for(other_coordinator).post(f"{URL}/DOT/send/", body, format="json").status_code
        == 404
    )
    assert Batch.objects.count() == 1


def _cells(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_the_xlsx_has_real_numbers_dates_text_and_print_setup(
    client_for, june_sent, coordinator, employee
):
    response = client_for(coordinator).get(f"{URL}/DOT/batches/1/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"leave-accounting-DOT-{JUNE}-batch-1.xlsx" in response["Content-Disposition"]
    wb = _cells(response.content)
    assert wb.sheetnames == ["Lines", "Totals", "Definitions"]
    ws = wb["Lines"]
    title = ws["A1"].value
    assert "DOT" in title and f"June {YEAR}" in title and "batch 1" in title
    assert ws["A2"].value.startswith("Generated ")
    assert [c.value for c in ws[3]][:5] == ["Line", "Employee number", "Employee", "Date", "Hours"]
    row = list(ws[4])
    assert row[1].value == employee.employee_number and row[1].data_type == "s"
    assert row[3].value == dt.datetime(YEAR, 6, 3) and row[3].is_date
    assert row[4].value == 4 and row[4].data_type == "n" and row[4].number_format == "#,##0.00"
    assert row[5].value == "Mentoring leave"
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    totals = wb["Totals"]
    assert [c.value for c in totals[4]] == [
        employee.employee_number,
        employee.user.get_full_name(),
        4,
    ]
    assert totals["C6"].value == 7  # the total row, after the two employees


def test_typed_text_stays_text_in_xlsx_and_csv(client_for, dot, coordinator, approved, employee):
    employee.user.first_name, employee.user.last_name = "=HYPERLINK(1)", "+1"
    employee.user.save()
    approved(employee, 2, on(6, 3))

    xlsx = client_for(coordinator).get(f"{URL}/DOT/?period={JUNE}")
    csv = client_for(coordinator).get(f"{URL}/DOT/?period={JUNE}&format=csv")

    cell = _cells(xlsx.content)["Lines"]["C4"]
    assert cell.value == "=HYPERLINK(1) +1" and cell.data_type == "s"
    assert "'=HYPERLINK(1) +1" in csv.content.decode()


def test_a_sent_batch_downloads_the_same_apart_from_the_download_time(
    june_sent, employee, coordinator, approved
):
    """Built twice (a second apart, after more leave was approved and a name changed), the
    batch is byte for byte the same file; a later download differs only in its title note."""
    moment = dt.datetime(YEAR, 7, 10, 17, 0, tzinfo=dt.UTC)
    first = leave_accounting.build_xlsx(selectors.batch_export(june_sent), now=moment)
    approved(employee, 1, on(6, 20))
    employee.user.last_name = "Renamed"
    employee.user.save()
    time.sleep(1.1)

    again = leave_accounting.build_xlsx(selectors.batch_export(june_sent), now=moment)
    later = leave_accounting.build_xlsx(
        selectors.batch_export(june_sent), now=moment + dt.timedelta(days=3)
    )

    assert again == first
    a, b = _cells(first), _cells(later)
    for name in a.sheetnames:
        rows_a = [[c.value for c in row] for row in a[name].iter_rows()]
        rows_b = [[c.value for c in row] for row in b[name].iter_rows()]
        assert rows_a[0] == rows_b[0] and rows_a[2:] == rows_b[2:]
        assert rows_a[1] != rows_b[1]  # the "Generated ..." note


def test_csv_lines_with_a_negative_adjustment(client_for, june_sent, dot, employee, coordinator):
    request = employee.leave_requests.get()
    hours_services.leave_request_reverse(request=request, by=coordinator, reason="Not taken")
    services.batch_send(agency=dot, period=on(7, 1), by=coordinator)

    response = client_for(coordinator).get(f"{URL}/DOT/batches/2/?format=csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Line,Employee number,Employee,Date,Hours,Leave type,Month,Late")
    assert lines[1].split(",")[:9] == [
        "1",
        employee.employee_number,
        employee.user.get_full_name(),
        f"{YEAR}-06-03",
        "-4.00",
        "Mentoring leave",
        JUNE,
        "Yes",
        str(request.pk),
    ]
    assert lines[1].endswith(",Batch 1 line 1")
    assert len(lines) == 2


def test_an_employee_sees_which_batch_sent_their_leave(
    client_for, june_sent, employee, coordinator, approved
):
    late = approved(employee, 1, on(6, 20))

    response = client_for(employee.user).get(f"{API}/balances/me/leave-accounting/?year={YEAR}")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["date"], r["sent"], r["sent_in"] and r["sent_in"]["number"]) for r in rows] == [
        (f"{YEAR}-06-03", True, 1),
        (f"{YEAR}-06-20", False, None),
    ]
    assert rows[1]["request"] == late.pk
    assert rows[0]["sent_in"]["period"] == JUNE and rows[0]["undone_in"] is None
    # Only their own: the other DOT employee's June line is not there.
    assert all(
        r["request"] in {late.pk, employee.leave_requests.order_by("date")[0].pk} for r in rows
    )
    nobody = UserFactory(username="no.profile")
    assert client_for(nobody).get(f"{API}/balances/me/leave-accounting/").status_code == 403
    assert client_for(None).get(f"{API}/balances/me/leave-accounting/").status_code == 401


def test_a_reversed_request_shows_the_batch_that_undid_it(
    client_for, june_sent, dot, employee, coordinator
):
    request = employee.leave_requests.get()
    hours_services.leave_request_reverse(request=request, by=coordinator, reason="Not taken")
    services.batch_send(agency=dot, period=on(7, 1), by=coordinator)

    rows = client_for(employee.user).get(f"{API}/balances/me/leave-accounting/").json()["results"]

    assert [(r["status"], r["sent_in"]["number"], r["undone_in"]["number"]) for r in rows] == [
        ("reversed", 1, 2)
    ]
    assert Decimal(rows[0]["hours"]) == Decimal("4")
