"""A withdrawal from the roster takes effect on a date: the employee is enrolled before it, for
every rule, and not enrolled from it on. Today is pinned to July 1, 2026; the employee's line
runs the whole year."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies import services as roster
from hours import services
from hours.models import LeaveRequest
from policy import rules

from .conftest import hours

JULY_15 = dt.date(2026, 7, 15)


def line(**overrides) -> rules.EnrollmentFacts:
    facts = {
        "active": False,
        "pilot_name": "DOT Pilot",
        "pilot_active": True,
        "pilot_starts_on": dt.date(2026, 1, 1),
        "pilot_ends_on": dt.date(2026, 12, 31),
        "commitment_starts_on": dt.date(2026, 1, 1),
        "commitment_ends_on": dt.date(2026, 12, 31),
        "withdrawn_on": JULY_15,
    }
    return rules.EnrollmentFacts(**(facts | overrides))


# --- The rule, without the database -------------------------------------------------------------


def test_the_day_before_the_withdrawal_is_enrolled():
    rules.check_enrolled_on(on=dt.date(2026, 7, 14), enrollments=[line()])


@pytest.mark.parametrize("on", [JULY_15, dt.date(2026, 7, 16)])
def test_the_withdrawal_day_and_after_are_not_enrolled_and_the_date_is_named(on):
    with pytest.raises(rules.PolicyViolation) as refused:
        rules.check_enrolled_on(on=on, enrollments=[line()])
    assert refused.value.code == rules.NOT_ENROLLED
    assert refused.value.detail == (
        f"Not enrolled on {on:%B %-d, %Y}: your place on the DOT Pilot roster is withdrawn "
        "from July 15, 2026."
    )


def test_a_withdrawn_line_without_a_date_counts_on_no_day():
    """Only a line written directly has no date (the services always set one): it is read as
    withdrawn from its commitment's first day."""
    with pytest.raises(rules.PolicyViolation) as refused:
        rules.check_enrolled_on(on=dt.date(2026, 1, 2), enrollments=[line(withdrawn_on=None)])
    assert "roster is withdrawn." in refused.value.detail


def test_before_the_withdrawal_the_other_rules_still_apply():
    with pytest.raises(rules.PolicyViolation) as refused:
        rules.check_enrolled_on(
            on=dt.date(2026, 7, 14), enrollments=[line(pilot_ends_on=dt.date(2026, 6, 30))]
        )
    assert "pilot is not running on July 14, 2026" in refused.value.detail


def test_another_line_covers_the_days_after_a_withdrawal():
    other = line(active=True, withdrawn_on=None, pilot_name="DOT Second Pilot")
    rules.check_enrolled_on(on=dt.date(2026, 8, 1), enrollments=[line(), other])


# --- The withdrawal date rule -------------------------------------------------------------------

STARTS, ENDS = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
TODAY = dt.date(2026, 7, 1)


def withdrawal_date(withdrawn_on, *, starts=STARTS, ends=ENDS, today=TODAY):
    return rules.withdrawal_date(
        withdrawn_on=withdrawn_on,
        commitment_starts_on=starts,
        commitment_ends_on=ends,
        today=today,
    )


@pytest.mark.parametrize(
    ("given", "starts", "ends", "today", "expected"),
    [
        (None, STARTS, ENDS, TODAY, TODAY),  # the default: today
        (dt.date(2026, 3, 2), STARTS, ENDS, TODAY, dt.date(2026, 3, 2)),  # backdated
        (STARTS, STARTS, ENDS, TODAY, STARTS),  # from the first day: never enrolled
        (ENDS, STARTS, ENDS, TODAY, ENDS),  # ahead, up to the last day
        # A commitment not started yet: withdrawn from its first day.
        (None, dt.date(2026, 9, 1), dt.date(2027, 6, 30), TODAY, dt.date(2026, 9, 1)),
        # A commitment already over: today still, which changes no enrolled day.
        (None, dt.date(2025, 9, 1), dt.date(2026, 6, 15), TODAY, TODAY),
    ],
)
def test_the_withdrawal_date_and_its_default(given, starts, ends, today, expected):
    assert withdrawal_date(given, starts=starts, ends=ends, today=today) == expected


@pytest.mark.parametrize(
    ("given", "ends", "words"),
    [
        (dt.date(2025, 12, 31), ENDS, "on or after the day the commitment starts (January 1"),
        (dt.date(2027, 1, 1), ENDS, "only up to the commitment's last day (December 31, 2026)"),
        (dt.date(2026, 7, 2), dt.date(2026, 6, 15), "today (July 1, 2026) at the latest"),
    ],
)
def test_the_withdrawal_date_refusals_name_the_field(given, ends, words):
    with pytest.raises(rules.PolicyViolation) as refused:
        withdrawal_date(given, ends=ends)
    assert (refused.value.code, refused.value.field) == (rules.WITHDRAWAL_DATE, "withdrawn_on")
    assert words in refused.value.detail


# --- Through the services -----------------------------------------------------------------------


def withdraw(coordinator, employee, on=JULY_15):
    return roster.enrollment_update(
        by=coordinator,
        enrollment=employee.enrollments.get(),
        status="withdrawn",
        withdrawn_on=on,
    )


def test_a_request_made_while_enrolled_is_approved_after_a_later_withdrawal(
    employee, coordinator, verified, request_leave
):
    """The issue's example: enrolled when asked, for a date when enrolled."""
    verified(employee, 8)
    pending = request_leave(employee, 4, date=dt.date(2026, 7, 14))
    withdraw(coordinator, employee)

    approved = services.leave_request_approve(request=pending, by=coordinator)

    assert approved.status == LeaveRequest.Status.APPROVED


def test_after_a_withdrawal_leave_is_requested_for_the_day_before_only(
    employee, coordinator, verified, request_leave
):
    verified(employee, 8)
    withdraw(coordinator, employee)

    assert request_leave(employee, 2, date=dt.date(2026, 7, 14)).status == "pending"
    for on in (JULY_15, dt.date(2026, 7, 16)):
        with pytest.raises(rules.PolicyViolation) as refused:
            request_leave(employee, 2, date=on)
        assert refused.value.code == rules.NOT_ENROLLED
        assert "withdrawn from July 15, 2026" in refused.value.detail


def test_personal_hours_before_a_backdated_withdrawal_still_count(employee, coordinator, log_hours):
    withdraw(coordinator, employee, on=dt.date(2026, 6, 15))

    assert log_hours(employee, 2, date=dt.date(2026, 6, 14)).hours == hours(2)
    with pytest.raises(rules.PolicyViolation) as refused:
        log_hours(employee, 2, date=dt.date(2026, 6, 15))
    assert refused.value.code == rules.NOT_ENROLLED
