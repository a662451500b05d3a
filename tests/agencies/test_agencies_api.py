"""agencies/ and organizations/: everyone signed in reads them; only an administrator changes
them; nothing is ever deleted."""

from __future__ import annotations

import pytest

from agencies.models import Agency, MentoringOrganization

AGENCIES = "/api/v1/agencies/"
ORGANIZATIONS = "/api/v1/organizations/"


@pytest.fixture
def readers(employee, coordinator, workgroup, admin_user, other_employee):
    return [employee.user, coordinator, workgroup, admin_user, other_employee.user]


@pytest.fixture
def non_admins(employee, coordinator, workgroup):
    return [employee.user, coordinator, workgroup]


# --- agencies -----------------------------------------------------------------------------------


def test_anonymous_visitors_cannot_read_agencies(client_for, dot):
    assert client_for(None).get(AGENCIES).status_code == 401
    assert client_for(None).get(f"{AGENCIES}DOT/").status_code == 401


def test_everyone_signed_in_lists_and_retrieves_agencies_by_code(client_for, readers, dot, dph):
    for user in readers:
        client = client_for(user)
        listing = client.get(AGENCIES)
        assert listing.status_code == 200, user
        assert [row["code"] for row in listing.json()["results"]] == ["DOT", "DPH"]
        detail = client.get(f"{AGENCIES}DPH/")
        assert detail.status_code == 200
        assert detail.json() == {
            "id": dph.pk,
            "code": "DPH",
            "name": "Department of Public Health",
            "headcount": 4200,
            "approval_chain": "coordinator",
        }


def test_an_unknown_agency_code_answers_404(client_for, employee):
    assert client_for(employee.user).get(f"{AGENCIES}NOPE/").status_code == 404


def test_admin_creates_an_agency(client_for, admin_user):
    response = client_for(admin_user).post(
        AGENCIES, {"code": "DHCS", "name": "Health Care Services", "headcount": 4000}
    )
    assert response.status_code == 201, response.json()
    assert Agency.objects.get(code="DHCS").headcount == 4000


def test_only_an_admin_may_create_an_agency(client_for, non_admins):
    for user in non_admins:
        response = client_for(user).post(AGENCIES, {"code": "DHCS", "name": "Health Care"})
        assert response.status_code == 403, user
    assert not Agency.objects.filter(code="DHCS").exists()


def test_admin_updates_an_agency_and_others_get_403(client_for, admin_user, non_admins, dot):
    for user in non_admins:
        assert client_for(user).patch(f"{AGENCIES}DOT/", {"headcount": 1}).status_code == 403
    response = client_for(admin_user).patch(f"{AGENCIES}DOT/", {"headcount": 22000})
    assert response.status_code == 200
    assert response.json()["headcount"] == 22000
    dot.refresh_from_db()
    assert dot.headcount == 22000


def test_agency_code_must_be_capitals_and_unique(client_for, admin_user, dot):
    client = client_for(admin_user)
    lower = client.post(AGENCIES, {"code": "dhcs", "name": "Health Care Services"})
    assert lower.status_code == 400
    assert "code" in lower.json()
    duplicate = client.post(AGENCIES, {"code": "DOT", "name": "Another DOT"})
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()
    assert Agency.objects.count() == 1


def test_a_negative_headcount_is_refused(client_for, admin_user, dot):
    response = client_for(admin_user).patch(f"{AGENCIES}DOT/", {"headcount": -5})
    assert response.status_code == 400
    assert "headcount" in response.json()


def test_agencies_are_never_deleted(client_for, admin_user, coordinator, dot):
    assert client_for(admin_user).delete(f"{AGENCIES}DOT/").status_code == 405
    assert client_for(coordinator).delete(f"{AGENCIES}DOT/").status_code == 403
    assert Agency.objects.filter(code="DOT").exists()


# --- organizations ------------------------------------------------------------------------------


def test_anonymous_visitors_cannot_read_organizations(client_for, org):
    assert client_for(None).get(ORGANIZATIONS).status_code == 401
    assert client_for(None).get(f"{ORGANIZATIONS}{org.pk}/").status_code == 401


def test_everyone_signed_in_reads_organizations(client_for, readers, org, unqualified_org):
    for user in readers:
        client = client_for(user)
        listing = client.get(ORGANIZATIONS)
        assert listing.status_code == 200
        assert [row["name"] for row in listing.json()["results"]] == [
            "Friends for Youth",
            "Peacemakers Inc.",
        ]
        detail = client.get(f"{ORGANIZATIONS}{unqualified_org.pk}/")
        assert detail.status_code == 200
        assert detail.json()["meets_quality_standards"] is False


def test_organizations_filter_by_quality_standards(client_for, employee, org, unqualified_org):
    response = client_for(employee.user).get(ORGANIZATIONS, {"meets_quality_standards": "false"})
    assert [row["name"] for row in response.json()["results"]] == ["Peacemakers Inc."]


def test_admin_creates_and_updates_an_organization(client_for, admin_user):
    client = client_for(admin_user)
    created = client.post(
        ORGANIZATIONS,
        {
            "name": "Give A Beat",
            "meets_quality_standards": True,
            "contact_name": "Program Office",
            "contact_email": "office@giveabeat.example.org",
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    updated = client.patch(f"{ORGANIZATIONS}{pk}/", {"meets_quality_standards": False})
    assert updated.status_code == 200
    assert MentoringOrganization.objects.get(pk=pk).meets_quality_standards is False


def test_only_an_admin_may_create_or_change_an_organization(client_for, non_admins, org):
    for user in non_admins:
        client = client_for(user)
        assert client.post(ORGANIZATIONS, {"name": "Give A Beat"}).status_code == 403
        response = client.patch(f"{ORGANIZATIONS}{org.pk}/", {"meets_quality_standards": False})
        assert response.status_code == 403
    org.refresh_from_db()
    assert org.meets_quality_standards is True
    assert MentoringOrganization.objects.count() == 1


def test_an_organization_needs_a_unique_name_and_a_valid_email(client_for, admin_user, org):
    client = client_for(admin_user)
    duplicate = client.post(ORGANIZATIONS, {"name": "Friends for Youth"})
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()
    bad_email = client.post(ORGANIZATIONS, {"name": "Be A Mentor", "contact_email": "nope"})
    assert bad_email.status_code == 400
    assert "contact_email" in bad_email.json()
    assert MentoringOrganization.objects.count() == 1


def test_organizations_are_never_deleted(client_for, admin_user, workgroup, org):
    assert client_for(admin_user).delete(f"{ORGANIZATIONS}{org.pk}/").status_code == 405
    assert client_for(workgroup).delete(f"{ORGANIZATIONS}{org.pk}/").status_code == 403
    assert MentoringOrganization.objects.filter(pk=org.pk).exists()
