"""A null character cannot be stored in PostgreSQL text. Found by the schema fuzzer as a 500 on
PostgreSQL (an agency code with a NUL in a form body); each input is now refused with a 400
before it reaches a query, on either database."""

from __future__ import annotations

import pytest

from agencies.models import Delegation, Employee

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/enrollments/export/?agency=D%00T",
        "/api/v1/balances/?agency=%00",
        "/api/v1/organizations/?meets_quality_standards=%00",
        "/api/v1/reports/adoption/?year=20%0026",
    ],
)
def test_a_null_character_in_the_query_string_is_a_clear_400(url, admin_user, client_for):
    response = client_for(admin_user).get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query"


def test_a_null_character_in_an_agency_code_is_a_field_error(dot, admin_user, client_for):
    response = client_for(admin_user).post(
        "/api/v1/employees/",
        {
            "agency": "D\x00T",
            "employee_number": "800001",
            "first_name": "Ana",
            "last_name": "Reyes",
            "email": "ana@example.ca.gov",
            "bargaining_unit": "1",
            "appointment": "permanent",
        },
        format="multipart",
    )
    assert response.status_code == 400
    # Refused by the parser, before the serializer, as every control character is.
    assert response.json()["field"] == "agency"
    assert response.json()["code"] == "forbidden_character"
    assert not Employee.objects.filter(employee_number="800001").exists()


def test_ordinary_query_strings_pass(employee, client_for):
    assert client_for(employee.user).get("/api/v1/balances/me/?year=2026").status_code == 200


def test_a_null_character_in_a_delegations_agency_is_a_field_error(dot, admin_user, client_for):
    response = client_for(admin_user).post(
        "/api/v1/delegations/",
        {"agency": "D\x00T", "delegate": admin_user.pk, "starts_on": "2026-01-01"},
    )
    assert response.status_code == 400
    # Refused by the parser, before the serializer, as every control character is.
    assert response.json()["field"] == "agency"
    assert response.json()["code"] == "forbidden_character"
    assert not Delegation.objects.exists()
