"""The coordinator's roster page shows the day a withdrawal takes effect."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies import services as roster

pytestmark = pytest.mark.django_db


def test_a_withdrawn_line_shows_its_date(coordinator, employee, web_client):
    roster.enrollment_update(
        by=coordinator,
        enrollment=employee.enrollments.get(),
        status="withdrawn",
        withdrawn_on=dt.date(2026, 8, 3),
    )

    page = web_client(coordinator).get("/coordinator/roster/").content.decode()

    assert "Withdrawn</span> from Aug 3, 2026" in page
