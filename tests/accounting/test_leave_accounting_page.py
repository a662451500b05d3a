"""The coordinator's "Leave accounting" page, and each request's status on "My mentoring year"."""

from __future__ import annotations

import pytest
from django.test import Client

from accounting import services
from accounting.models import Batch
from hours import services as hours_services

from .conftest import JUNE, YEAR, on

pytestmark = pytest.mark.django_db
PAGE = "/coordinator/leave-accounting/"
SEND = "/coordinator/leave-accounting/send/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_last_months_unsent_lines_and_a_send_form(coordinator, employee, approved):
    approved(employee, 4, on(6, 3))

    response = signed_in(coordinator).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"June {YEAR}: not sent yet" in html
    assert employee.employee_number in html and "4.00" in html
    assert 'id="send-form"' in html and 'id="confirm-send"' in html
    assert f"/api/v1/reports/leave-accounting/DOT/?period={JUNE}&amp;format=xlsx" in html
    assert f"/api/v1/reports/leave-accounting/DOT/?period={JUNE}&amp;format=csv" in html
    assert "No batch has been sent yet." in html


def test_sending_needs_the_confirmation(coordinator, employee, approved):
    approved(employee, 4, on(6, 3))
    client = signed_in(coordinator)

    refused = client.post(SEND, {"agency": "DOT", "period": JUNE})
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.content.decode()
    assert not Batch.objects.exists()

    sent = client.post(SEND, {"agency": "DOT", "period": JUNE, "confirm": "yes"}, follow=True)
    assert sent.redirect_chain == [(f"{PAGE}?agency=DOT&period={JUNE}", 302)]
    html = sent.content.decode()
    assert f"Sent June {YEAR} to leave accounting as batch 1 (1 line)." in html
    assert f"June {YEAR}: batch 1" in html
    assert "/api/v1/reports/leave-accounting/DOT/batches/1/?format=xlsx" in html
    assert "/api/v1/reports/leave-accounting/DOT/batches/1/?format=csv" in html
    assert 'id="send-form"' not in html
    assert Batch.objects.get().sent_by == coordinator


def test_sending_an_empty_or_sent_month_is_explained(coordinator, employee, approved, dot):
    client = signed_in(coordinator)
    empty = client.post(SEND, {"agency": "DOT", "period": JUNE, "confirm": "yes"})
    assert empty.status_code == 400 and "Nothing to send" in empty.content.decode()
    bad = client.post(SEND, {"agency": "DOT", "period": "2026-13", "confirm": "yes"})
    assert bad.status_code == 400 and "is not a month" in bad.content.decode()
    assert client.get(f"{PAGE}?period={YEAR + 1}-01").status_code == 400
    assert not Batch.objects.exists()


def test_the_workgroup_reads_and_never_sends_outsiders_get_404(
    coordinator, other_coordinator, workgroup, employee, approved
):
    approved(employee, 4, on(6, 3))

    page = signed_in(workgroup).get(f"{PAGE}?agency=DOT")
    assert page.status_code == 200 and 'id="send-form"' not in page.content.decode()
    body = {"agency": "DOT", "period": JUNE, "confirm": "yes"}
    assert signed_in(workgroup).post(SEND, body).status_code == 403
    assert signed_in(other_coordinator).get(f"{PAGE}?agency=DOT").status_code == 404
    assert signed_in(other_coordinator).post(SEND, body).status_code == 404
    assert signed_in(employee.user).get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302
    assert not Batch.objects.exists()


@pytest.mark.parametrize("size", [1, 5])
def test_the_page_runs_a_fixed_number_of_queries(
    size, dot, coordinator, employee, second_employee, approved, django_assert_num_queries
):
    for n in range(size):
        approved(employee, 0.5, on(6, n + 1))
        approved(second_employee, 0.5, on(5, n + 1))
    services.batch_send(agency=dot, period=on(5, 1), by=coordinator)
    client = signed_in(coordinator)
    # Two of them are the header's "Waiting in your queue" count, on every coordinator page, and one
    # asks whether anyone reports to the coordinator (who is also an employee).
    with django_assert_num_queries(12):
        assert client.get(f"{PAGE}?period={JUNE}").status_code == 200
    with django_assert_num_queries(10):
        assert client.get(f"{PAGE}?period={YEAR}-05").status_code == 200


def test_my_year_says_which_batch_sent_each_request(dot, employee, coordinator, approved):
    first = approved(employee, 4, on(6, 3))
    approved(employee, 2, on(6, 10))
    services.batch_send(agency=dot, period=on(6, 1), by=coordinator)
    hours_services.leave_request_reverse(request=first, by=coordinator, reason="Not taken")
    services.batch_send(agency=dot, period=on(7, 1), by=coordinator)
    approved(employee, 1, on(7, 2))

    html = signed_in(employee.user).get("/me/").content.decode()

    assert f"Sent in batch 1 (June {YEAR}); undone in batch 2" in html
    assert f"Sent in batch 1 (June {YEAR})</td>" in html
    assert "Not sent yet" in html
