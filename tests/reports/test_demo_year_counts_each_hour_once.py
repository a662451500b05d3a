"""Is every hour counted exactly once statewide? Over the demo year, with its transfer (a DOT
mentor moved to DPH on the first of the month): the agencies' figures, months, request and
verified-hours sheets and leave accounting each add up to the statewide totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounting import selectors as accounting
from accounting.models import BatchLine
from agencies.models import Agency, Transfer
from hours.models import Balance, LeaveRequest, PersonalHours
from policy.selectors import policy_params
from reports import selectors

ZERO = Decimal("0")


@pytest.fixture
def demo_year(db, today):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return today.year


def _sum(queryset, field: str = "hours") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


def test_every_hour_is_counted_exactly_once_statewide(demo_year):
    year = demo_year
    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.DONE
    assert (transfer.from_agency.code, transfer.to_agency.code) == ("DOT", "DPH")
    call_command("check_balances", stdout=open("/dev/null", "w"))  # noqa: SIM115
    moved = transfer.employee
    balances = Balance.objects.filter(year=year)
    figures = selectors.adoption_figures(year, params=policy_params(year))
    for name, stored in (
        ("paid_approved", "paid_approved"),
        ("personal_verified", "personal_verified"),
        ("personal_awaiting_verification", "personal_logged"),
    ):
        assert sum((getattr(f, name) for f in figures), ZERO) == _sum(balances, stored), name
    requested = sum((f.paid_pending + f.paid_awaiting_supervisor for f in figures), ZERO)
    assert requested == _sum(balances, "paid_pending")
    # The moved mentor is counted in both agencies, each with its own part of the year.
    rows = list(selectors.employee_rows(year, params=policy_params(year)))
    assert sorted(r.agency_id for r in rows if r.employee_number == moved.employee_number) == (
        sorted(Agency.objects.filter(code__in=["DOT", "DPH"]).values_list("pk", flat=True))
    )

    by_agency = selectors.monthly_hours(year)
    total = selectors.monthly_totals(year)
    for month in range(1, 13):
        assert sum(m.paid[month] for m in by_agency.values()) == total.paid[month]
        assert sum(m.personal[month] for m in by_agency.values()) == total.personal[month]

    approved = LeaveRequest.objects.filter(date__year=year, status="approved")
    verified = PersonalHours.objects.filter(date__year=year, status="verified")
    agencies = list(Agency.objects.all())
    sheets_paid = sum(
        (
            _sum(selectors.leave_requests_of_year(a, year).filter(status="approved"))
            for a in agencies
        ),
        ZERO,
    )
    sheets_personal = sum((_sum(selectors.verified_hours_of_year(a, year)) for a in agencies), ZERO)
    assert sheets_paid == _sum(approved)
    assert sheets_personal == _sum(verified)

    # Leave accounting: what each agency sent plus what it has still to send, over the whole
    # year, is every approved hour once.
    december = dt.date(year, 12, 1)
    accounted = sum(
        (
            _sum(BatchLine.objects.filter(batch__agency=a))
            + sum((line.hours for line in accounting.unsent_lines(agency=a, period=december)), ZERO)
            for a in agencies
        ),
        ZERO,
    )
    assert accounted == _sum(approved)
