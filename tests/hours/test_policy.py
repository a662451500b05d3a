"""The 2119 rules as plain functions: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from policy import rules
from policy.rules import PolicyParams, PolicyViolation

D = Decimal
DAY = dt.date(2026, 7, 1)


def violation(code: str, function, **kwargs) -> PolicyViolation:
    with pytest.raises(PolicyViolation) as caught:
        function(**kwargs)
    assert caught.value.code == code
    assert caught.value.detail.strip()
    return caught.value


def enrollment(**overrides) -> rules.EnrollmentFacts:
    values = {
        "active": True,
        "pilot_name": "DOT Pilot",
        "pilot_active": True,
        "pilot_starts_on": dt.date(2026, 1, 1),
        "pilot_ends_on": dt.date(2026, 12, 31),
        "commitment_starts_on": dt.date(2026, 1, 1),
        "commitment_ends_on": dt.date(2026, 12, 31),
    }
    return rules.EnrollmentFacts(**{**values, **overrides})


def test_every_rule_code_is_listed_once():
    assert len(rules.RULE_CODES) == len(set(rules.RULE_CODES)) == 14


@pytest.mark.parametrize("unit", ["6", "8", "18", "22", ""])
def test_uncovered_bargaining_units_are_not_eligible(unit):
    violation(
        rules.NOT_ELIGIBLE, rules.check_eligible, bargaining_unit=unit, appointment="permanent"
    )


@pytest.mark.parametrize("unit", sorted(rules.COVERED_BARGAINING_UNITS))
def test_covered_units_and_excluded_employees_are_eligible(unit):
    rules.check_eligible(bargaining_unit=unit, appointment="permanent")


@pytest.mark.parametrize(
    "appointment", ["probationary", "retired_annuitant", "temporary", "limited_term"]
)
def test_appointments_other_than_permanent_are_not_eligible(appointment):
    error = violation(
        rules.NOT_ELIGIBLE,
        rules.check_eligible,
        bargaining_unit="1",
        appointment=appointment,
    )
    assert rules.APPOINTMENTS[appointment] in error.detail


def test_probation_after_permanent_status_is_eligible():
    assert rules.eligibility(bargaining_unit="1", appointment="probationary_after_permanent")
    result = rules.eligibility(bargaining_unit="1", appointment="probationary_after_permanent")
    assert result.as_dict() == {"eligible": True, "code": None, "reason": None}


def test_commitment_of_less_than_a_school_year_is_refused():
    error = violation(
        rules.NOT_ENROLLED,
        rules.check_commitment,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 5, 31),
    )
    assert error.field == "commitment_ends_on"
    rules.check_commitment(starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 6, 1))


def test_commitment_must_end_after_it_starts():
    violation(
        rules.NOT_ENROLLED,
        rules.check_commitment,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 1),
    )


def test_commitment_length_is_a_parameter():
    short = PolicyParams(commitment_months=6)
    rules.check_commitment(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 7, 1), params=short)


def test_add_months_clamps_to_the_end_of_the_month():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert rules.add_months(dt.date(2026, 9, 1), 9) == dt.date(2027, 6, 1)


def test_enrolled_on_a_running_pilot_passes():
    rules.check_enrolled_on(on=DAY, enrollments=[enrollment()])


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"active": False}, "withdrawn"),
        ({"pilot_active": False}, "not running"),
        ({"pilot_ends_on": dt.date(2026, 6, 30)}, "not running"),
        ({"commitment_starts_on": dt.date(2026, 7, 2)}, "does not include"),
        (
            {
                "commitment_starts_on": dt.date(2026, 6, 1),
                "commitment_ends_on": dt.date(2026, 8, 1),
            },
            "school year",
        ),
    ],
)
def test_not_enrolled_names_the_reason(overrides, words):
    error = violation(
        rules.NOT_ENROLLED, rules.check_enrolled_on, on=DAY, enrollments=[enrollment(**overrides)]
    )
    assert words in error.detail


def test_not_on_any_roster_is_not_enrolled():
    violation(rules.NOT_ENROLLED, rules.check_enrolled_on, on=DAY, enrollments=[])


def test_one_good_roster_line_is_enough():
    rules.check_enrolled_on(on=DAY, enrollments=[enrollment(active=False), enrollment()])


def test_unqualified_organization_is_refused():
    error = violation(
        rules.ORGANIZATION_NOT_QUALIFIED,
        rules.check_organization_qualified,
        name="Peacemakers Inc.",
        meets_quality_standards=False,
    )
    assert error.field == "organization"
    assert "Peacemakers Inc." in error.detail
    rules.check_organization_qualified(name="Friends for Youth", meets_quality_standards=True)


@pytest.mark.parametrize("value", ["0", "-1", "-0.25", "0.3", "0.1", "1.33", "7.01"])
def test_hours_must_be_positive_quarter_hours(value):
    error = violation(rules.INVALID_INCREMENT, rules.check_increment, hours=D(value))
    assert error.field == "hours"


@pytest.mark.parametrize("value", ["0.25", "0.5", "1", "2.75", "8.00", "40"])
def test_quarter_hours_pass(value):
    rules.check_increment(hours=D(value))


def test_increment_is_a_parameter():
    rules.check_increment(hours=D("0.1"), params=PolicyParams(increment=D("0.1")))
    violation(
        rules.INVALID_INCREMENT,
        rules.check_increment,
        hours=D("0.25"),
        params=PolicyParams(increment=D("0.5")),
    )


def test_sick_leave_is_not_personal_time():
    error = violation(
        rules.PERSONAL_SOURCE_INVALID, rules.check_personal_source, source="sick_leave"
    )
    assert error.field == "source"


@pytest.mark.parametrize("source", sorted(rules.VALID_PERSONAL_SOURCES))
def test_own_time_sources_are_personal_time(source):
    rules.check_personal_source(source=source)


def test_travel_does_not_count():
    error = violation(rules.TRAVEL_NOT_ALLOWED, rules.check_activity, activity="travel")
    assert error.field == "activity"
    rules.check_activity(activity="mentoring")


def test_personal_hours_are_logged_up_to_today_in_this_year():
    rules.check_personal_date(on=DAY, today=DAY)
    violation(
        rules.FUTURE_DATE,
        rules.check_personal_date,
        on=DAY + dt.timedelta(days=1),
        today=DAY,
    )
    violation(rules.WRONG_YEAR, rules.check_personal_date, on=dt.date(2025, 12, 31), today=DAY)


def test_leave_is_requested_ahead_but_within_the_year():
    rules.check_leave_date(on=dt.date(2026, 12, 31), today=DAY)
    rules.check_leave_date(on=dt.date(2026, 1, 2), today=DAY)
    violation(rules.WRONG_YEAR, rules.check_leave_date, on=dt.date(2027, 1, 4), today=DAY)
    violation(rules.WRONG_YEAR, rules.check_leave_date, on=dt.date(2025, 12, 31), today=DAY)


def test_paid_leave_is_at_most_eight_hours_a_day():
    kwargs = {"on": DAY, "paid": True, "personal_that_day": D("0")}
    rules.check_daily_limits(hours=D("2"), paid_that_day=D("6"), **kwargs)
    error = violation(
        rules.DAILY_LIMIT_EXCEEDED,
        rules.check_daily_limits,
        hours=D("2.25"),
        paid_that_day=D("6"),
        **kwargs,
    )
    assert "8 hours a day" in error.detail


def test_paid_and_personal_hours_are_at_most_twelve_a_day():
    rules.check_daily_limits(
        on=DAY, hours=D("4"), paid=False, paid_that_day=D("4"), personal_that_day=D("4")
    )
    error = violation(
        rules.DAILY_LIMIT_EXCEEDED,
        rules.check_daily_limits,
        on=DAY,
        hours=D("0.25"),
        paid=True,
        paid_that_day=D("4"),
        personal_that_day=D("8"),
    )
    assert "12 hours a day" in error.detail


def test_the_cap_allows_exactly_forty_hours():
    rules.check_annual_cap(year=2026, hours=D("2"), committed=D("38"))
    error = violation(
        rules.ANNUAL_CAP_EXCEEDED,
        rules.check_annual_cap,
        year=2026,
        hours=D("2.25"),
        committed=D("38"),
    )
    assert "2 hours remain" in error.detail


def test_the_cap_is_a_parameter():
    violation(
        rules.ANNUAL_CAP_EXCEEDED,
        rules.check_annual_cap,
        year=2026,
        hours=D("1"),
        committed=D("20"),
        params=PolicyParams(cap_hours=D("20")),
    )


def test_paid_leave_needs_as_many_verified_personal_hours():
    rules.check_match(year=2026, hours=D("2"), committed=D("6"), personal_verified=D("8"))
    error = violation(
        rules.MATCH_REQUIRED,
        rules.check_match,
        year=2026,
        hours=D("2.25"),
        committed=D("6"),
        personal_verified=D("8"),
    )
    assert "0.25 hour" in error.detail


def test_match_ratio_is_a_parameter():
    half = PolicyParams(match_ratio=D("0.5"))
    rules.check_match(
        year=2026, hours=D("4"), committed=D("0"), personal_verified=D("2"), params=half
    )


def test_paid_available_is_the_lower_of_cap_and_match_in_whole_quarters():
    assert rules.paid_available(
        paid_approved=D("10"), paid_pending=D("2"), personal_verified=D("20")
    ) == D("8.00")
    assert rules.paid_available(
        paid_approved=D("30"), paid_pending=D("0"), personal_verified=D("45")
    ) == D("10.00")
    # Out of match: nothing available, never negative.
    assert rules.paid_available(
        paid_approved=D("10"), paid_pending=D("0"), personal_verified=D("4")
    ) == D("0.00")
    # Half ratio: 3 verified hours cover 6 paid; rounded down to a quarter.
    assert rules.paid_available(
        paid_approved=D("0"),
        paid_pending=D("0"),
        personal_verified=D("1.1"),
        params=PolicyParams(match_ratio=D("0.5")),
    ) == D("2.00")


def test_in_match():
    assert rules.in_match(paid_approved=D("8"), personal_verified=D("8"))
    assert not rules.in_match(paid_approved=D("8"), personal_verified=D("7.75"))


def test_nobody_acts_on_their_own_hours():
    violation(
        rules.SELF_APPROVAL, rules.check_not_self, actor_user_id=3, owner_user_id=3, action="x"
    )
    rules.check_not_self(actor_user_id=3, owner_user_id=4, action="approve")


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_a_written_reason_is_required(reason):
    error = violation(rules.REASON_REQUIRED, rules.check_reason, reason=reason, action="deny")
    assert error.field == "reason"


def test_hours_read_as_a_person_writes_them():
    assert rules.hours_text(D("2.00")) == "2"
    assert rules.hours_text(D("2.50")) == "2.5"
    assert rules.hours_text(D("0")) == "0"
    assert rules.plural_hours(D("1")) == "1 hour"
    assert rules.plural_hours(D("1.5")) == "1.5 hours"


def test_violation_serializes_with_its_field():
    error = PolicyViolation("wrong_year", "No.", field="date")
    assert error.as_dict() == {"code": "wrong_year", "detail": "No.", "field": "date"}
    assert PolicyViolation("x", "y").as_dict() == {"code": "x", "detail": "y"}


def test_the_match_sentence_speaks_to_the_employee_and_about_them_at_approval():
    args = {
        "year": 2026,
        "hours": Decimal("4"),
        "committed": Decimal("36"),
        "personal_verified": Decimal("38"),
    }
    with pytest.raises(PolicyViolation) as asked:
        rules.check_match(**args)
    with pytest.raises(PolicyViolation) as approving:
        rules.check_match(**args, at_approval=True)
    assert "would come to 40 hours" in asked.value.detail
    assert "you have 38 hours" in asked.value.detail
    assert "the employee has 38 hours" in approving.value.detail
    assert "2 hours more must be logged and verified first" in approving.value.detail


def test_the_cap_sentence_counts_pending_hours_only_when_a_request_is_made():
    cap = {"year": 2026, "hours": Decimal("8"), "committed": Decimal("36")}
    with pytest.raises(PolicyViolation) as asked:
        rules.check_annual_cap(**cap)
    with pytest.raises(PolicyViolation) as approving:
        rules.check_annual_cap(**cap, at_approval=True)
    assert "36 hours are already approved or pending" in asked.value.detail
    assert "36 hours are already approved, so 4 hours remain" in approving.value.detail
