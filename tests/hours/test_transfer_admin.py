"""The admin starts, accepts and cancels transfers through the same service as the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from agencies.models import Transfer
from hours.services import transfers

ADMIN = "/admin/agencies/transfer/"


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_an_administrator_moves_an_employee_from_the_admin(admin_client, employee, dph, dph_pilot):
    response = admin_client.post(
        f"{ADMIN}add/",
        {"employee": employee.pk, "to_agency": dph.pk, "effective_on": "2026-06-01"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.DONE
    employee.refresh_from_db()
    assert employee.agency == dph
    assert admin_client.get(ADMIN).status_code == 200


def test_the_admin_refuses_a_transfer_to_the_same_agency(admin_client, employee, dot):
    response = admin_client.post(
        f"{ADMIN}add/",
        {"employee": employee.pk, "to_agency": dot.pk, "effective_on": "2026-06-01"},
    )
    assert response.status_code == 302
    assert not Transfer.objects.exists()


def test_the_receiving_coordinator_accepts_in_the_admin_and_an_outsider_cannot(
    employee, dph, dph_pilot, coordinator, other_coordinator, second_coordinator
):
    proposed = transfers.transfer_start(
        by=coordinator, employee=employee, to_agency=dph, effective_on=dt.date(2026, 6, 1)
    ).transfer
    for user in (other_coordinator, second_coordinator):
        user.is_staff = True
        user.save()
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_transfer", "change_transfer"])
        )
    outsider = Client()
    outsider.force_login(second_coordinator)  # DOT: the sending side cannot accept
    outsider.post(ADMIN, {"action": "accept", "_selected_action": [proposed.pk]})
    proposed.refresh_from_db()
    assert proposed.status == Transfer.Status.PROPOSED

    receiving = Client()
    receiving.force_login(other_coordinator)
    response = receiving.post(ADMIN, {"action": "accept", "_selected_action": [proposed.pk]})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Transfer.Status.DONE
