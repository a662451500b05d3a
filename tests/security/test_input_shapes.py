"""Inputs of a shape no client of ours sends, found by an outside review: each one answered 500.

- a JSON body of deeply nested arrays (Python's recursion limit): 400 naming the depth limit;
- a null character in the path (PostgreSQL text cannot hold one): 404;
- an id past the database's integer range in a filter or in the web bulk approval (SQLite
  cannot bind it): 400 or an empty list, the same on both databases.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from hours.models import LeaveRequest
from leave_tracker.parsers import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db

NESTED = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize(
    "url",
    ["/api/v1/auth/token/", "/api/v1/personal-hours/", "/api/v1/leave-requests/"],
)
def test_deeply_nested_json_is_a_400_naming_the_limit(url, employee, client_for):
    client = client_for(None if "auth" in url else employee.user)
    response = client.post(url, NESTED, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "json_too_deep"
    assert str(MAX_JSON_DEPTH) in body["detail"]


def test_nesting_within_the_limit_is_read_as_usual(employee, client_for):
    """An ordinary body, one object deep, reaches the serializer (which names its fields)."""
    body = {"hours": "1", "date": "2026-01-05", "extra": [[["x"]]]}
    response = client_for(employee.user).post("/api/v1/personal-hours/", body, format="json")
    assert response.status_code == 400
    assert "code" not in response.json() or response.json()["code"] != "json_too_deep"


def test_a_null_character_in_the_path_is_a_404(dot, admin_user, client_for):
    response = client_for(admin_user).get("/api/v1/reports/agency/DOT%00/?year=2026")
    assert response.status_code == 404


def test_a_null_character_in_a_web_path_is_a_404(employee, client):
    client.force_login(employee.user)
    assert client.get("/me/%00").status_code == 404


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/personal-hours/?employee={HUGE}",
        f"/api/v1/leave-requests/?employee={HUGE}",
        f"/api/v1/enrollments/?employee={HUGE}",
        f"/api/v1/enrollments/?pilot={HUGE}",
        f"/api/v1/enrollments/?organization={HUGE}",
        f"/api/v1/personal-hours/?organization={HUGE}",
        f"/api/v1/ledger/?employee={HUGE}",
        f"/api/v1/ledger/?subject_id={HUGE}",
        f"/api/v1/ledger/?year={HUGE}",
    ],
)
def test_an_id_past_the_integer_range_is_a_400(url, admin_user, employee, client_for):
    response = client_for(admin_user).get(url)
    assert response.status_code == 400


def test_a_huge_id_in_the_web_bulk_approval_changes_nothing(coordinator, employee, client):
    client.force_login(coordinator)
    response = client.post(reverse("web:bulk-approve"), {"ids": [HUGE]})
    assert response.status_code in (302, 400)
    assert not LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED).exists()
