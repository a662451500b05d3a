"""HR Manual section 2119, rule by rule, as plain functions over plain values.

Nothing here touches the database. Each check raises PolicyViolation carrying the stable rule
code of SPEC.md section 3 and a sentence the employee or coordinator can act on. The services
gather the facts (sums, dates, the year's parameters) and call these functions; the API, the
admin, the roster import and the demo seeder all go through the services, so each rule lives
here once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")

# Rule codes (SPEC.md section 3). Stable: clients and tests refer to them.
NOT_ELIGIBLE = "not_eligible"
NOT_ENROLLED = "not_enrolled"
ORGANIZATION_NOT_QUALIFIED = "organization_not_qualified"
ANNUAL_CAP_EXCEEDED = "annual_cap_exceeded"
MATCH_REQUIRED = "match_required"
PERSONAL_SOURCE_INVALID = "personal_source_invalid"
TRAVEL_NOT_ALLOWED = "travel_not_allowed"
WRONG_YEAR = "wrong_year"
FUTURE_DATE = "future_date"
INVALID_INCREMENT = "invalid_increment"
DAILY_LIMIT_EXCEEDED = "daily_limit_exceeded"
SELF_APPROVAL = "self_approval"
REASON_REQUIRED = "reason_required"
VERIFICATION_DATE = "verification_date"
WITHDRAWAL_DATE = "withdrawal_date"
OPERATIONAL_NEEDS = "operational_needs"

RULE_CODES = (
    NOT_ELIGIBLE,
    NOT_ENROLLED,
    ORGANIZATION_NOT_QUALIFIED,
    ANNUAL_CAP_EXCEEDED,
    MATCH_REQUIRED,
    PERSONAL_SOURCE_INVALID,
    TRAVEL_NOT_ALLOWED,
    WRONG_YEAR,
    FUTURE_DATE,
    INVALID_INCREMENT,
    DAILY_LIMIT_EXCEEDED,
    SELF_APPROVAL,
    REASON_REQUIRED,
    OPERATIONAL_NEEDS,
)


class PolicyViolation(Exception):
    """A broken 2119 rule: answered as 400 {"code": ..., "detail": ...}."""

    def __init__(self, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        return body


@dataclass(frozen=True)
class PolicyParams:
    """One calendar year's parameters (stored per year in the database, editable in the admin)."""

    cap_hours: Decimal = Decimal("40.00")
    match_ratio: Decimal = Decimal("1.00")
    increment: Decimal = Decimal("0.25")
    daily_total_limit: Decimal = Decimal("12.00")
    daily_paid_limit: Decimal = Decimal("8.00")
    commitment_months: int = 9


DEFAULT_PARAMS = PolicyParams()


def hours_text(value: Decimal) -> str:
    """2.00 -> "2", 2.50 -> "2.5", 2.25 -> "2.25": how a person writes hours."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def plural_hours(value: Decimal) -> str:
    text = hours_text(value)
    return f"{text} hour" if value == 1 else f"{text} hours"


# --- Eligibility --------------------------------------------------------------------------------

BARGAINING_UNITS = [str(n) for n in range(1, 22)] + ["excluded"]
# The units the mentoring-leave provisions do not cover: written here only.
UNCOVERED_BARGAINING_UNITS = ("6", "8", "18")
COVERED_BARGAINING_UNITS = frozenset(BARGAINING_UNITS) - set(UNCOVERED_BARGAINING_UNITS)
UNCOVERED_TEXT = (
    f"units {', '.join(UNCOVERED_BARGAINING_UNITS[:-1])} and {UNCOVERED_BARGAINING_UNITS[-1]}"
)

ELIGIBLE_APPOINTMENTS = frozenset({"permanent", "probationary_after_permanent"})
APPOINTMENTS = {
    "permanent": "Permanent",
    "probationary_after_permanent": "Probationary, with permanent status in another class",
    "probationary": "Probationary (first appointment)",
    "retired_annuitant": "Retired annuitant",
    "temporary": "Temporary",
    "limited_term": "Limited-term",
}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    code: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"eligible": self.eligible, "code": self.code, "reason": self.reason}


def eligibility(*, bargaining_unit: str, appointment: str) -> Eligibility:
    """Whether an employee may take mentoring leave at all, and why not."""
    if bargaining_unit not in COVERED_BARGAINING_UNITS:
        return Eligibility(
            False,
            NOT_ELIGIBLE,
            f"Bargaining unit {bargaining_unit} is not covered by mentoring leave "
            f"({UNCOVERED_TEXT} are not covered).",
        )
    if appointment not in ELIGIBLE_APPOINTMENTS:
        label = APPOINTMENTS.get(appointment, appointment)
        return Eligibility(
            False,
            NOT_ELIGIBLE,
            f"{label} appointments are not eligible: mentoring leave needs a permanent "
            "appointment, or probation after permanent status in another class.",
        )
    return Eligibility(True)


def check_eligible(*, bargaining_unit: str, appointment: str) -> None:
    result = eligibility(bargaining_unit=bargaining_unit, appointment=appointment)
    if not result.eligible:
        raise PolicyViolation(NOT_ELIGIBLE, result.reason or "Not eligible.")


# --- Enrollment ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 -> Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def check_commitment(
    *, starts_on: dt.date, ends_on: dt.date, params: PolicyParams = DEFAULT_PARAMS
) -> None:
    """The enrollment records a commitment of at least one school year."""
    if ends_on <= starts_on:
        raise PolicyViolation(
            NOT_ENROLLED,
            "The commitment must end after it starts.",
            field="commitment_ends_on",
        )
    if ends_on < add_months(starts_on, params.commitment_months):
        raise PolicyViolation(
            NOT_ENROLLED,
            f"The commitment to mentor must last at least one school year "
            f"({params.commitment_months} months): from {starts_on:%B %-d, %Y} it must run "
            f"to {add_months(starts_on, params.commitment_months):%B %-d, %Y} or later.",
            field="commitment_ends_on",
        )


def check_same_agency(*, employee_agency: str, pilot_agency: str) -> None:
    if employee_agency != pilot_agency:
        raise PolicyViolation(
            NOT_ENROLLED,
            f"An employee of {employee_agency} can only join a pilot of {employee_agency}, "
            f"not one of {pilot_agency}.",
            field="pilot",
        )


def check_organization_qualified(*, name: str, meets_quality_standards: bool) -> None:
    if not meets_quality_standards:
        raise PolicyViolation(
            ORGANIZATION_NOT_QUALIFIED,
            f"{name} is not recorded as meeting the mentoring quality-assurance standards.",
            field="organization",
        )


@dataclass(frozen=True)
class EnrollmentFacts:
    """One roster line, as plain values."""

    active: bool
    pilot_name: str
    pilot_active: bool
    pilot_starts_on: dt.date
    pilot_ends_on: dt.date
    commitment_starts_on: dt.date
    commitment_ends_on: dt.date
    # A withdrawn line counts before this day and not from it on; a withdrawn line without a
    # date (one written directly, never by the services) counts on no day.
    withdrawn_on: dt.date | None = None

    def withdrawn_by(self, on: dt.date) -> bool:
        """Whether the line's withdrawal has taken effect on `on`."""
        return not self.active and (self.withdrawn_on is None or on >= self.withdrawn_on)


def check_enrolled_on(
    *, on: dt.date, enrollments: list[EnrollmentFacts], params: PolicyParams = DEFAULT_PARAMS
) -> None:
    """On `on`, the employee is on an active pilot's roster with a school-year commitment: a line
    that is active, or withdrawn from a later day (the dates before a withdrawal stay enrolled)."""
    if not enrollments:
        raise PolicyViolation(
            NOT_ENROLLED, "You are not on a mentoring pilot roster of your agency."
        )
    problems = []
    for item in enrollments:
        if item.withdrawn_by(on):
            problems.append(
                f"your place on the {item.pilot_name} roster is withdrawn"
                + (f" from {item.withdrawn_on:%B %-d, %Y}" if item.withdrawn_on else "")
            )
        elif not (item.pilot_active and item.pilot_starts_on <= on <= item.pilot_ends_on):
            problems.append(
                f"the {item.pilot_name} pilot is not running on {on:%B %-d, %Y} "
                f"(it runs {item.pilot_starts_on:%B %-d, %Y} to {item.pilot_ends_on:%B %-d, %Y})"
            )
        elif not (item.commitment_starts_on <= on <= item.commitment_ends_on):
            problems.append(
                f"your mentoring commitment runs {item.commitment_starts_on:%B %-d, %Y} to "
                f"{item.commitment_ends_on:%B %-d, %Y}, which does not include {on:%B %-d, %Y}"
            )
        else:
            try:
                check_commitment(
                    starts_on=item.commitment_starts_on,
                    ends_on=item.commitment_ends_on,
                    params=params,
                )
            except PolicyViolation as violation:
                problems.append(violation.detail[0].lower() + violation.detail[1:].rstrip("."))
            else:
                return
    raise PolicyViolation(
        NOT_ENROLLED,
        f"Not enrolled on {on:%B %-d, %Y}: " + "; ".join(problems) + ".",
    )


def withdrawal_date(
    *,
    withdrawn_on: dt.date | None,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
    today: dt.date,
) -> dt.date:
    """The day a withdrawal from a roster line takes effect: the employee is enrolled through
    that line before it and not from it on.

    `withdrawn_on` when given, else today; a commitment that has not started yet is withdrawn
    from its first day (it never counts). Not before the commitment starts. Ahead of today, not
    beyond the commitment's last day. Once the commitment has ended, today (the default) is
    still accepted: it records when the line was withdrawn and changes no enrolled day, since
    the commitment covers none after its end."""
    if withdrawn_on is None:
        return max(today, commitment_starts_on)
    if withdrawn_on < commitment_starts_on:
        raise PolicyViolation(
            WITHDRAWAL_DATE,
            f"A withdrawal takes effect on or after the day the commitment starts "
            f"({commitment_starts_on:%B %-d, %Y}), not on {withdrawn_on:%B %-d, %Y}.",
            field="withdrawn_on",
        )
    if withdrawn_on > max(today, commitment_ends_on):
        raise PolicyViolation(
            WITHDRAWAL_DATE,
            f"A withdrawal can be set ahead only up to the commitment's last day "
            f"({commitment_ends_on:%B %-d, %Y}); {withdrawn_on:%B %-d, %Y} is beyond it."
            if today < commitment_ends_on
            else f"The commitment ended on {commitment_ends_on:%B %-d, %Y}, so a withdrawal "
            f"takes effect today ({today:%B %-d, %Y}) at the latest, not on "
            f"{withdrawn_on:%B %-d, %Y}.",
            field="withdrawn_on",
        )
    return withdrawn_on


# --- Hours and dates ----------------------------------------------------------------------------

PERSONAL_SOURCES = {
    "non_working_time": "Non-working hours (evenings, weekends, lunch)",
    "annual_leave": "Annual leave",
    "vacation": "Vacation",
    "personal_leave": "Personal leave",
    "personal_holiday": "Personal holiday",
    "cto": "Compensating time off (CTO)",
    "sick_leave": "Sick leave",
}
VALID_PERSONAL_SOURCES = frozenset(PERSONAL_SOURCES) - {"sick_leave"}

ACTIVITIES = {"mentoring": "Mentoring", "travel": "Travel to or from mentoring"}


def check_increment(*, hours: Decimal, params: PolicyParams = DEFAULT_PARAMS) -> None:
    if hours <= 0 or hours % params.increment != 0:
        raise PolicyViolation(
            INVALID_INCREMENT,
            f"Hours must be a positive multiple of {hours_text(params.increment)} "
            f"(for example 1.25 or 2.5); {hours_text(hours)} is not.",
            field="hours",
        )


def check_personal_source(*, source: str) -> None:
    if source not in VALID_PERSONAL_SOURCES:
        raise PolicyViolation(
            PERSONAL_SOURCE_INVALID,
            "Sick leave is not personal time. Personal time is non-working time or annual "
            "leave, vacation, personal leave, a personal holiday or CTO.",
            field="source",
        )


def check_activity(*, activity: str) -> None:
    if activity != "mentoring":
        raise PolicyViolation(
            TRAVEL_NOT_ALLOWED,
            "Only time spent mentoring counts: travel to or from the mentoring location is "
            "neither paid leave nor matching personal time.",
            field="activity",
        )


def check_personal_date(*, on: dt.date, today: dt.date) -> None:
    """Personal hours are logged after the fact, in the year they happened."""
    if on > today:
        raise PolicyViolation(
            FUTURE_DATE,
            f"Personal hours can be logged for dates up to today; {on:%B %-d, %Y} is ahead.",
            field="date",
        )
    if on.year != today.year:
        raise PolicyViolation(
            WRONG_YEAR,
            f"Personal hours count in their own calendar year only; {on.year} is closed "
            f"and {today.year} is the year to log in.",
            field="date",
        )


def check_verification_date(*, on: dt.date, verified_on: dt.date, today: dt.date) -> None:
    """The organization confirms mentoring that happened: not before it, and not ahead of today."""
    if not on <= verified_on <= today:
        raise PolicyViolation(
            VERIFICATION_DATE,
            f"The verification date must be between the mentoring date ({on:%B %-d, %Y}) and "
            f"today ({today:%B %-d, %Y}).",
            field="verified_on",
        )


def check_leave_date(*, on: dt.date, today: dt.date) -> None:
    """Leave for a year is requested and used within that calendar year: no carry-over."""
    if on.year != today.year:
        raise PolicyViolation(
            WRONG_YEAR,
            f"Mentoring leave is requested and used within one calendar year, with no "
            f"carry-over: a date in {on.year} cannot be requested or approved in {today.year}.",
            field="date",
        )


def check_daily_limits(
    *,
    on: dt.date,
    hours: Decimal,
    paid: bool,
    paid_that_day: Decimal,
    personal_that_day: Decimal,
    params: PolicyParams = DEFAULT_PARAMS,
) -> None:
    """Paid plus personal mentoring hours on one date, and paid leave alone on one date."""
    if paid and paid_that_day + hours > params.daily_paid_limit:
        raise PolicyViolation(
            DAILY_LIMIT_EXCEEDED,
            f"Paid mentoring leave is at most {plural_hours(params.daily_paid_limit)} a day; "
            f"{on:%B %-d, %Y} already has {plural_hours(paid_that_day)}, so at most "
            f"{plural_hours(max(ZERO, params.daily_paid_limit - paid_that_day))} more.",
            field="hours",
        )
    total = paid_that_day + personal_that_day
    if total + hours > params.daily_total_limit:
        raise PolicyViolation(
            DAILY_LIMIT_EXCEEDED,
            f"Mentoring hours, paid and personal, are at most "
            f"{plural_hours(params.daily_total_limit)} a day; {on:%B %-d, %Y} already has "
            f"{plural_hours(total)}, so at most "
            f"{plural_hours(max(ZERO, params.daily_total_limit - total))} more.",
            field="hours",
        )


# --- The year's paid leave: cap and match -------------------------------------------------------


def check_annual_cap(
    *,
    year: int,
    hours: Decimal,
    committed: Decimal,
    params: PolicyParams = DEFAULT_PARAMS,
    at_approval: bool = False,
) -> None:
    """`committed` is the paid leave already counted this year: approved plus pending when a
    request is made; approved only when one is approved (the others wait their turn)."""
    if committed + hours > params.cap_hours:
        left = max(ZERO, params.cap_hours - committed)
        counted = "approved" if at_approval else "approved or pending"
        raise PolicyViolation(
            ANNUAL_CAP_EXCEEDED,
            f"Paid mentoring leave is at most {plural_hours(params.cap_hours)} in {year}; "
            f"{plural_hours(committed)} are already {counted}, so "
            f"{plural_hours(left)} remain, not {hours_text(hours)}.",
            field="hours",
        )


def personal_needed(*, paid: Decimal, params: PolicyParams = DEFAULT_PARAMS) -> Decimal:
    """The verified personal hours that `paid` hours of paid leave need: the match."""
    return paid * params.match_ratio


def check_match(
    *,
    year: int,
    hours: Decimal,
    committed: Decimal,
    personal_verified: Decimal,
    params: PolicyParams = DEFAULT_PARAMS,
    at_approval: bool = False,
) -> None:
    """Personal time comes first: verified personal hours cover all paid leave, hour for hour.

    The sentence speaks to the employee when they request, about them when a coordinator
    approves."""
    needed = personal_needed(paid=committed + hours, params=params)
    if personal_verified < needed:
        short = needed - personal_verified
        who, has = ("the employee", "has") if at_approval else ("you", "have")
        them = "it" if short == 1 else "them"
        raise PolicyViolation(
            MATCH_REQUIRED,
            f"Personal time comes first: with these {plural_hours(hours)}, paid leave in {year} "
            f"would come to {plural_hours(committed + hours)}, which needs "
            f"{plural_hours(needed)} of verified personal mentoring that year, and {who} {has} "
            f"{plural_hours(personal_verified)}. "
            + (
                f"{plural_hours(short).capitalize()} more must be logged and verified first."
                if at_approval
                else f"Log {plural_hours(short)} more and have {them} verified."
            ),
            field="hours",
        )


def paid_available(
    *,
    paid_approved: Decimal,
    paid_pending: Decimal,
    personal_verified: Decimal,
    params: PolicyParams = DEFAULT_PARAMS,
) -> Decimal:
    """Paid hours an employee could request now, under both the cap and the match."""
    committed = paid_approved + paid_pending
    by_cap = params.cap_hours - committed
    by_match = personal_verified / params.match_ratio - committed
    available = min(by_cap, by_match)
    # Round down to a whole increment: a request must be a multiple of it.
    available = (available // params.increment) * params.increment
    return max(ZERO, available).quantize(Decimal("0.01"))


def in_match(
    *, paid_approved: Decimal, personal_verified: Decimal, params: PolicyParams = DEFAULT_PARAMS
) -> bool:
    return personal_verified >= personal_needed(paid=paid_approved, params=params)


# --- Who may act and how ------------------------------------------------------------------------


def check_not_self(*, actor_user_id: int, owner_user_id: int, action: str) -> None:
    if actor_user_id == owner_user_id:
        raise PolicyViolation(
            SELF_APPROVAL,
            f"Nobody can {action} their own hours or requests; another coordinator of your "
            "agency must do it.",
        )


def check_reason(*, reason: str | None, action: str) -> None:
    if not (reason or "").strip():
        raise PolicyViolation(
            REASON_REQUIRED,
            f"A written reason is needed to {action}.",
            field="reason",
        )
