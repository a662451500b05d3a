"""Limits on what a client may send: a request past any limit gets a clear 4xx, never a 500."""

from __future__ import annotations

import json

from django.test import override_settings
from rest_framework.test import APIClient

from agencies.models import MentoringOrganization
from hours.models import PersonalHours


def _client(world, role: str) -> APIClient:
    client = APIClient()
    client.credentials(**world.headers(role))
    return client


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_oversized_json_body_answers_413_and_saves_nothing(world):
    body = json.dumps(
        {
            "date": world.dot.logged.date.isoformat(),
            "hours": "1.00",
            "source": "non_working_time",
            "organization": world.dot.enrollment.organization_id,
            "notes": "x" * 20_000,
        }
    )
    before = PersonalHours.objects.count()

    response = _client(world, "employee").post(
        "/api/v1/personal-hours/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"
    assert PersonalHours.objects.count() == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_body_within_the_limit_is_served(world):
    response = _client(world, "employee").post(
        "/api/v1/personal-hours/",
        {
            "date": world.dot.logged.date.isoformat(),
            "hours": "0.25",
            "source": "non_working_time",
            "organization": world.dot.enrollment.organization_id,
            "notes": "x" * 1_000,
        },
        format="json",
    )

    assert response.status_code == 201


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_oversized_body_is_refused_even_anonymously(db):
    response = APIClient().post(
        "/api/v1/auth/token/", "x" * 20_000, content_type="application/json"
    )

    assert response.status_code == 413


@override_settings(ROSTER_UPLOAD_MAX_BYTES=2_000, DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_oversized_roster_upload_answers_413(world):
    client = APIClient()
    client.force_login(world.users["coordinator"])
    content = b"employee_number,first_name\n" + b"123456,Ana\n" * 1_000

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/enrollments/import/?agency=DOT",
        {"file": SimpleUploadedFile("roster.csv", content, content_type="text/csv")},
        format="multipart",
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")


def test_page_size_is_capped_at_200(world):
    MentoringOrganization.objects.bulk_create(
        MentoringOrganization(name=f"Organization {n:03}") for n in range(250)
    )

    response = _client(world, "employee").get("/api/v1/organizations/?page_size=100000")

    assert response.status_code == 200
    assert response.json()["count"] > 250
    assert len(response.json()["results"]) == 200


def test_a_page_size_that_is_not_a_number_falls_back_to_the_default(world):
    MentoringOrganization.objects.bulk_create(
        MentoringOrganization(name=f"Organization {n:03}") for n in range(60)
    )

    response = _client(world, "employee").get("/api/v1/organizations/?page_size=lots")

    assert response.status_code == 200
    assert response.json()["count"] == MentoringOrganization.objects.count()
    assert len(response.json()["results"]) == 50  # PAGE_SIZE
    assert response.json()["next"] is not None
