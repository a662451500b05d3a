"""/coordinator/transfers/: a coordinator moves an employee to another agency in the browser,
the receiving agency's coordinator accepts, either cancels; the same service as the API's
transfers/ (its rules are tested in tests/hours/test_transfers.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from agencies.models import Enrollment, Transfer
from tests.conftest import pin_today
from tests.factories import AgencyFactory, RoleFactory, UserFactory

PAGE = "/coordinator/transfers/"
JUNE_1 = dt.date(2026, 6, 1)


@pytest.fixture
def signed_in(client):
    def make(user):
        client.force_login(user)
        return client

    return make


def _start(client, employee, to="DPH", on=JUNE_1):
    return client.post(
        PAGE,
        {
            "transfer-employee_number": employee.employee_number,
            "transfer-to_agency": to,
            "transfer-effective_on": on.isoformat(),
        },
    )


def test_the_sending_coordinator_starts_and_the_receiving_one_accepts(
    signed_in, coordinator, other_coordinator, employee, dph, dph_pilot
):
    response = _start(signed_in(coordinator), employee)

    assert response.status_code == 302
    transfer = Transfer.objects.get(employee=employee)
    assert (transfer.status, transfer.to_agency, transfer.effective_on) == (
        Transfer.Status.PROPOSED,
        dph,
        JUNE_1,
    )
    page = signed_in(coordinator).get(PAGE).content.decode()
    assert "awaits a coordinator of DPH" in page
    assert "Proposed, awaiting the receiving agency" in page
    accept = reverse("web:transfer-accept", args=[transfer.pk])
    assert accept not in page  # DOT does not accept its own transfer

    receiving = signed_in(other_coordinator)
    assert accept in receiving.get(PAGE).content.decode()
    response = receiving.post(accept)

    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.agency == dph
    assert employee.enrollments.get(pilot=dph_pilot).status == Enrollment.Status.ACTIVE
    assert "is now in DPH" in receiving.get(PAGE).content.decode()


def test_an_administrator_moves_an_employee_at_once(signed_in, admin_user, employee, dph):
    response = _start(signed_in(admin_user), employee)

    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.agency == dph
    assert Transfer.objects.get(employee=employee).status == Transfer.Status.DONE


def test_either_coordinator_cancels_a_proposed_transfer(
    signed_in, coordinator, other_coordinator, employee, dph
):
    _start(signed_in(coordinator), employee)
    transfer = Transfer.objects.get(employee=employee)

    response = signed_in(other_coordinator).post(reverse("web:transfer-cancel", args=[transfer.pk]))

    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.CANCELLED
    employee.refresh_from_db()
    assert employee.agency.code == "DOT"
    # Done or cancelled, it cannot be cancelled again: 409 with the reason, nothing changed.
    again = signed_in(coordinator).post(reverse("web:transfer-cancel", args=[transfer.pk]))
    assert again.status_code == 409
    assert "cannot be cancelled" in again.content.decode()


def test_outsiders_get_403_and_other_agencies_404(
    signed_in, coordinator, employee, other_employee, dph, client
):
    _start(signed_in(coordinator), employee)
    transfer = Transfer.objects.get(employee=employee)
    # An employee who coordinates nothing: 403 on the page and on the actions.
    person = signed_in(other_employee.user)
    assert person.get(PAGE).status_code == 403
    assert person.post(reverse("web:transfer-cancel", args=[transfer.pk])).status_code == 403
    # A coordinator of a third agency: the transfer is not within reach.
    third = AgencyFactory(code="DHCS", name="Health Care Services")
    outsider = UserFactory(username="dhcs.coordinator")
    RoleFactory(user=outsider, kind="coordinator", agency=third)
    stranger = signed_in(outsider)
    assert stranger.post(reverse("web:transfer-accept", args=[transfer.pk])).status_code == 404
    assert stranger.post(reverse("web:transfer-cancel", args=[transfer.pk])).status_code == 404
    assert "No transfer from or to your agencies yet." in stranger.get(PAGE).content.decode()
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PROPOSED
    # Signed out: to the sign-in page.
    client.logout()
    assert client.get(PAGE).status_code == 302


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"transfer-employee_number": "nobody"}, "employee_number", "No employee numbered nobody"),
        ({"transfer-to_agency": "DOT"}, "to_agency", "is already in DOT"),
        ({"transfer-to_agency": "XYZ"}, "to_agency", "Select a valid choice"),
        ({"transfer-effective_on": "2026-13-01"}, "effective_on", "Enter a valid date"),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_nothing_is_written(
    signed_in, coordinator, employee, dph, body, field, message
):
    form = {
        "transfer-employee_number": employee.employee_number,
        "transfer-to_agency": "DPH",
        "transfer-effective_on": JUNE_1.isoformat(),
        **body,
    }

    response = signed_in(coordinator).post(PAGE, form)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_transfer-{field}"' in page
    assert 'aria-invalid="true"' in page
    assert not Transfer.objects.exists()


def test_a_coordinator_cannot_move_an_employee_of_another_agency(
    signed_in, coordinator, other_employee, dph
):
    response = _start(signed_in(coordinator), other_employee, to="DOT")

    assert response.status_code == 400
    assert f"No employee numbered {other_employee.employee_number}" in response.content.decode()
    assert not Transfer.objects.exists()


def test_accepting_before_the_day_it_takes_effect_waits(
    signed_in, coordinator, other_coordinator, employee, dph, monkeypatch
):
    later = dt.date(2026, 8, 1)
    _start(signed_in(coordinator), employee, on=later)
    transfer = Transfer.objects.get(employee=employee)
    receiving = signed_in(other_coordinator)

    page = receiving.get(PAGE).content.decode()
    assert "Accept from Aug 1, 2026" in page
    early = receiving.post(reverse("web:transfer-accept", args=[transfer.pk]))
    assert early.status_code == 400
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PROPOSED

    pin_today(monkeypatch, later)
    assert receiving.post(reverse("web:transfer-accept", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DONE


def test_the_roster_page_links_to_the_transfers(signed_in, coordinator):
    page = signed_in(coordinator).get("/coordinator/roster/").content.decode()
    assert f'href="{PAGE}"' in page
