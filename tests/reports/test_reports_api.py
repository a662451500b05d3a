"""reports/agency/{code}/ and reports/adoption/: who downloads what, and bad input."""

from __future__ import annotations

import pytest

from agencies.roster import XLSX_CONTENT_TYPE


def agency_url(code: str) -> str:
    return f"/api/v1/reports/agency/{code}/"


ADOPTION = "/api/v1/reports/adoption/"


def _is_workbook(response, filename: str, open_workbook) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert open_workbook(response.content).sheetnames


def test_coordinator_downloads_their_own_agency_workbook(
    client_for, coordinator, mentoring_year, open_workbook
):
    year = mentoring_year["year"]
    response = client_for(coordinator).get(agency_url("DOT"), {"year": year})
    _is_workbook(response, f"mentoring-leave-DOT-{year}.xlsx", open_workbook)


def test_coordinator_of_another_agency_gets_404(client_for, other_coordinator, dot, today):
    response = client_for(other_coordinator).get(agency_url("DOT"), {"year": today.year})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["workgroup", "admin_user"])
def test_workgroup_and_admin_download_any_agency_workbook(
    request, client_for, who, mentoring_year, open_workbook
):
    year = mentoring_year["year"]
    client = client_for(request.getfixturevalue(who))
    for code in ("DOT", "DPH"):
        response = client.get(agency_url(code), {"year": year})
        _is_workbook(response, f"mentoring-leave-{code}-{year}.xlsx", open_workbook)


def test_an_employee_downloads_no_workbook(client_for, employee, today):
    client = client_for(employee.user)
    assert client.get(agency_url("DOT"), {"year": today.year}).status_code == 403
    assert client.get(ADOPTION, {"year": today.year}).status_code == 403


def test_anonymous_visitors_download_nothing(client_for, dot, today):
    assert client_for(None).get(agency_url("DOT"), {"year": today.year}).status_code == 401
    assert client_for(None).get(ADOPTION, {"year": today.year}).status_code == 401


def test_workgroup_downloads_the_adoption_workbook_and_a_coordinator_does_not(
    client_for, workgroup, coordinator, mentoring_year, open_workbook
):
    year = mentoring_year["year"]
    response = client_for(workgroup).get(ADOPTION, {"year": year})
    _is_workbook(response, f"mentoring-leave-adoption-{year}.xlsx", open_workbook)
    assert client_for(coordinator).get(ADOPTION, {"year": year}).status_code == 403


def test_an_unknown_agency_code_answers_404(client_for, workgroup, coordinator, today):
    for user in (workgroup, coordinator):
        response = client_for(user).get(agency_url("NOPE"), {"year": today.year})
        assert response.status_code == 404


def test_a_lowercase_code_finds_the_agency(client_for, workgroup, dot, today):
    assert client_for(workgroup).get(agency_url("dot"), {"year": today.year}).status_code == 200


@pytest.mark.parametrize(
    "params", [{}, {"year": ""}, {"year": "abc"}, {"year": "1900"}, {"year": "3000"}]
)
def test_a_missing_or_bad_year_answers_400_naming_it(client_for, workgroup, coordinator, params):
    for client, url in [
        (client_for(coordinator), agency_url("DOT")),
        (client_for(workgroup), ADOPTION),
    ]:
        response = client.get(url, params)
        assert response.status_code == 400
        assert "year" in response.json()


def test_errors_are_json_even_when_the_client_asks_for_a_workbook(client_for, workgroup):
    response = client_for(workgroup).get(ADOPTION, {"year": "x"}, HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "year" in response.json()


def test_a_client_asking_for_the_workbook_type_gets_it(client_for, workgroup, dot, today):
    response = client_for(workgroup).get(
        ADOPTION, {"year": today.year}, HTTP_ACCEPT=XLSX_CONTENT_TYPE
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE


def test_an_empty_year_downloads_a_valid_workbook(client_for, workgroup, dot, open_workbook):
    response = client_for(workgroup).get(agency_url("DOT"), {"year": 2001})
    _is_workbook(response, "mentoring-leave-DOT-2001.xlsx", open_workbook)
    assert "No roster lines" in open_workbook(response.content)["Summary"]["A2"].value


def test_the_schema_documents_the_downloads(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/reports/agency/{code}/" in schema.content
    assert b"/api/v1/reports/adoption/" in schema.content
    assert XLSX_CONTENT_TYPE.encode() in schema.content
