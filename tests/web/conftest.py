"""Fixtures of the web pages: a signed-in browser client, and a DOT year of any size."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from hours import services
from tests.factories import EmployeeFactory, EnrollmentFactory, UserFactory


@pytest.fixture
def web_client():
    """web_client(user): a Django test client with `user` signed in (None: anonymous)."""

    def make(user, **kwargs) -> Client:
        client = Client(**kwargs)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def dot_year(dot, dot_pilot, org, coordinator, day, today):
    """dot_year(n): n more DOT employees, each with 4 verified personal hours, 1 awaiting
    verification, 2 approved paid hours and a pending request of 2 hours."""

    def make(n: int, start: int = 0) -> list:
        people = []
        for i in range(start, start + n):
            person = EmployeeFactory(agency=dot, user=UserFactory(username=f"dot.mentor{i}"))
            EnrollmentFactory(employee=person, pilot=dot_pilot, organization=org)
            common = {"employee": person, "by": person.user, "organization": org}
            entry = services.personal_hours_log(
                **common, date=day(0), hours=Decimal("4"), source="non_working_time"
            )
            services.personal_hours_verify(
                reason="Signed paper form", entry=entry, by=coordinator, verified_by_name="Office"
            )
            services.personal_hours_log(
                **common, date=day(0), hours=Decimal("1"), source="annual_leave"
            )
            approved = services.leave_request_create(**common, date=today, hours=Decimal("2"))
            services.leave_request_approve(request=approved, by=coordinator)
            services.leave_request_create(**common, date=today, hours=Decimal("2"))
            people.append(person)
        return people

    return make


def field_tag(html: str, field_id: str) -> str:
    """The opening tag of the form field with id `field_id` in a page."""
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no field {field_id}"
    return match.group(0)
