"""The year-end reminder goes to whoever is on the roster that day: a withdrawal that takes
effect later leaves the employee enrolled (and reminded) until then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from agencies.models import Enrollment
from hours.models import Balance
from reminders.year_end import send_year_end

YEAR = dt.date.today().year


def test_reminded_before_the_withdrawal_takes_effect_not_from_it(employee):
    Balance.objects.create(employee=employee, year=YEAR, personal_verified=Decimal("12"))
    Enrollment.objects.filter(employee=employee).update(
        status=Enrollment.Status.WITHDRAWN, withdrawn_on=dt.date(YEAR, 11, 2)
    )

    assert send_year_end(today=dt.date(YEAR, 11, 2)) == 0
    assert send_year_end(today=dt.date(YEAR, 11, 1)) == 1
