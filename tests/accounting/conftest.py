"""Leave accounting fixtures: "today" pinned to July 10 of this year, and leave approved through
the services, so every batch line comes from a real approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hours import services
from policy import dates
from tests.factories import EmployeeFactory, EnrollmentFactory, UserFactory

API = "/api/v1"
YEAR = dt.date.today().year
JUNE, JULY = f"{YEAR}-06", f"{YEAR}-07"


@pytest.fixture(autouse=True)
def today(monkeypatch) -> dt.date:
    pinned = dt.date(YEAR, 7, 10)
    monkeypatch.setattr(dates, "today", lambda: pinned)
    return pinned


def on(month: int, day: int) -> dt.date:
    return dt.date(YEAR, month, day)


@pytest.fixture
def second_employee(dot, dot_pilot, org):
    person = EmployeeFactory(agency=dot, user=UserFactory(username="dot.second"))
    EnrollmentFactory(employee=person, pilot=dot_pilot, organization=org)
    return person


@pytest.fixture
def approved(coordinator, verified_hours):
    """approved(employee, hours, date): leave requested and approved through the services,
    with enough verified personal hours (logged on January 1) to match it."""

    def make(employee, hours, date: dt.date):
        hours = Decimal(str(hours))
        verified_hours(employee, hours, 0)
        request = services.leave_request_create(
            employee=employee,
            by=employee.user,
            date=date,
            hours=hours,
            organization=employee.enrollments.first().organization,
        )
        return services.leave_request_approve(request=request, by=coordinator)

    return make
