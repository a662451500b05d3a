"""pilots/: a coordinator runs their own agency's pilots; the workgroup reads all of them; an
employee sees their own agency's; a pilot outside reach answers 404."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies.models import Pilot
from ledger.models import LedgerEntry

PILOTS = "/api/v1/pilots/"


@pytest.fixture
def new_pilot(today):
    return {
        "agency": "DOT",
        "name": "DOT Pilot, next school year",
        "starts_on": f"{today.year + 1}-01-01",
        "ends_on": f"{today.year + 1}-12-31",
        "status": "planned",
    }


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


def test_anonymous_visitors_cannot_read_pilots(client_for, dot_pilot):
    assert client_for(None).get(PILOTS).status_code == 401
    assert client_for(None).get(f"{PILOTS}{dot_pilot.pk}/").status_code == 401


def test_coordinator_creates_a_pilot_in_their_own_agency(client_for, coordinator, new_pilot):
    response = client_for(coordinator).post(PILOTS, new_pilot)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agency"] == "DOT"
    assert body["status"] == "planned"
    pilot = Pilot.objects.get(pk=body["id"])
    assert pilot.agency.code == "DOT"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PILOT_CREATED, subject_id=pilot.pk)
    assert entry.actor == coordinator
    assert entry.agency.code == "DOT"


def test_a_new_pilot_is_active_unless_told_otherwise(client_for, coordinator, new_pilot):
    del new_pilot["status"]
    response = client_for(coordinator).post(PILOTS, new_pilot)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "active"


def test_coordinator_cannot_create_a_pilot_in_another_agency(
    client_for, other_coordinator, new_pilot, row_counts
):
    before = row_counts()
    response = client_for(other_coordinator).post(PILOTS, new_pilot)
    assert response.status_code == 400
    assert "agency" in response.json()
    assert row_counts() == before


def test_an_unknown_agency_code_is_refused(client_for, admin_user, new_pilot, row_counts, dot):
    before = row_counts()
    response = client_for(admin_user).post(PILOTS, new_pilot | {"agency": "XYZ"})
    assert response.status_code == 400
    assert "agency" in response.json()
    assert row_counts() == before


def test_coordinator_updates_their_own_pilot(client_for, coordinator, dot_pilot):
    response = client_for(coordinator).patch(f"{PILOTS}{dot_pilot.pk}/", {"status": "closed"})
    assert response.status_code == 200, response.json()
    dot_pilot.refresh_from_db()
    assert dot_pilot.status == "closed"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PILOT_UPDATED, subject_id=dot_pilot.pk)
    assert entry.data == {"status": ["active", "closed"]}
    assert entry.actor == coordinator


def test_another_agencys_pilot_answers_404_to_a_coordinator(
    client_for, other_coordinator, coordinator, dot_pilot
):
    client = client_for(other_coordinator)
    assert client.get(f"{PILOTS}{dot_pilot.pk}/").status_code == 404
    assert client.patch(f"{PILOTS}{dot_pilot.pk}/", {"status": "closed"}).status_code == 404
    assert client_for(coordinator).get(f"{PILOTS}{dot_pilot.pk}/").status_code == 200
    dot_pilot.refresh_from_db()
    assert dot_pilot.status == "active"


def test_coordinator_lists_only_their_own_agencys_pilots(
    client_for, coordinator, other_coordinator, dot_pilot, dph_pilot
):
    assert names(client_for(coordinator).get(PILOTS)) == ["DOT Pilot"]
    assert names(client_for(other_coordinator).get(PILOTS)) == ["DPH Pilot"]


def test_workgroup_reads_every_pilot_and_changes_none(
    client_for, workgroup, dot_pilot, dph_pilot, new_pilot, row_counts
):
    client = client_for(workgroup)
    assert names(client.get(PILOTS)) == ["DOT Pilot", "DPH Pilot"]
    assert client.get(f"{PILOTS}{dph_pilot.pk}/").status_code == 200
    before = row_counts()
    assert client.post(PILOTS, new_pilot).status_code == 403
    assert client.patch(f"{PILOTS}{dot_pilot.pk}/", {"status": "closed"}).status_code == 403
    assert row_counts() == before
    dot_pilot.refresh_from_db()
    assert dot_pilot.status == "active"


def test_employee_sees_only_their_own_agencys_pilots(
    client_for, employee, other_employee, dot_pilot, dph_pilot
):
    client = client_for(employee.user)
    assert names(client.get(PILOTS)) == ["DOT Pilot"]
    assert client.get(f"{PILOTS}{dot_pilot.pk}/").status_code == 200
    assert client.get(f"{PILOTS}{dph_pilot.pk}/").status_code == 404
    assert names(client_for(other_employee.user).get(PILOTS)) == ["DPH Pilot"]


def test_employee_cannot_create_or_change_a_pilot(
    client_for, employee, coordinator, dot_pilot, new_pilot
):
    client = client_for(employee.user)
    assert client.post(PILOTS, new_pilot).status_code == 403
    assert client.patch(f"{PILOTS}{dot_pilot.pk}/", {"status": "closed"}).status_code == 403
    assert client_for(coordinator).post(PILOTS, new_pilot).status_code == 201


def test_pilots_filter_by_agency_and_status(client_for, workgroup, dot_pilot, dph_pilot):
    client = client_for(workgroup)
    assert names(client.get(PILOTS, {"agency": "DPH"})) == ["DPH Pilot"]
    assert names(client.get(PILOTS, {"status": "closed"})) == []


def test_a_pilot_cannot_end_before_it_starts(client_for, coordinator, new_pilot, row_counts):
    before = row_counts()
    response = client_for(coordinator).post(
        PILOTS, new_pilot | {"starts_on": "2030-06-01", "ends_on": "2030-05-31"}
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    assert row_counts() == before


def test_changing_a_pilot_to_end_before_it_starts_is_refused(client_for, coordinator, dot_pilot):
    day_before = dot_pilot.starts_on - dt.timedelta(days=1)
    response = client_for(coordinator).patch(
        f"{PILOTS}{dot_pilot.pk}/", {"ends_on": day_before.isoformat()}
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PILOT_UPDATED).exists()


def test_two_pilots_of_one_agency_cannot_share_a_name(
    client_for, coordinator, dot_pilot, new_pilot, row_counts
):
    before = row_counts()
    response = client_for(coordinator).post(PILOTS, new_pilot | {"name": "DOT Pilot"})
    assert response.status_code == 400
    assert "name" in response.json()
    assert row_counts() == before


def test_a_pilot_cannot_move_to_another_agency(client_for, admin_user, dot_pilot, dph):
    response = client_for(admin_user).patch(f"{PILOTS}{dot_pilot.pk}/", {"agency": "DPH"})
    assert response.status_code == 400
    assert "agency" in response.json()
    dot_pilot.refresh_from_db()
    assert dot_pilot.agency.code == "DOT"


def test_an_unknown_pilot_status_is_refused(client_for, coordinator, new_pilot):
    response = client_for(coordinator).post(PILOTS, new_pilot | {"status": "paused"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_pilots_are_never_deleted(client_for, coordinator, workgroup, dot_pilot):
    assert client_for(coordinator).delete(f"{PILOTS}{dot_pilot.pk}/").status_code == 405
    assert client_for(workgroup).delete(f"{PILOTS}{dot_pilot.pk}/").status_code == 403
    assert Pilot.objects.filter(pk=dot_pilot.pk).exists()
