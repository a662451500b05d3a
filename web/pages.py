"""What a page shows, worked out from the figures: the next step in plain words, the bars of
an employee's year, the monthly chart. Presentation only: the numbers come from the selectors
and the rules from policy.rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from hours.models import LeaveRequest, PersonalHours
from hours.selectors import BalanceFigures
from policy import rules

ZERO = Decimal("0.00")
# The entries that count toward the daily limits, as hours.selectors.hours_on_date counts them.
COUNTING_LEAVE = {
    LeaveRequest.Status.AWAITING_SUPERVISOR,
    LeaveRequest.Status.PENDING,
    LeaveRequest.Status.APPROVED,
}
COUNTING_PERSONAL = {PersonalHours.Status.LOGGED, PersonalHours.Status.VERIFIED}


def _percent(part: Decimal, whole: Decimal) -> float:
    if whole <= 0:
        return 0.0
    return round(float(min(part, whole) / whole * 100), 1)


def _hours(value: Decimal, what: str = "") -> str:
    """_hours(2, "paid") -> "2 paid hours"; _hours(1, "personal") -> "1 personal hour"."""
    noun = "hour" if value == 1 else "hours"
    return " ".join(part for part in (rules.hours_text(value), what, noun) if part)


def next_step(
    figures: BalanceFigures,
    *,
    params: rules.PolicyParams,
    eligibility: rules.Eligibility,
    not_enrolled: str | None = None,
) -> str:
    """The one thing the employee can do next, in a sentence with their own figures.
    `not_enrolled` is the policy's sentence when the employee is not on an active roster
    today."""
    if not eligibility.eligible:
        return eligibility.reason or "You are not eligible for mentoring leave."
    if not_enrolled:
        return (
            f"{not_enrolled} Mentoring hours count once you are on your agency's pilot roster; "
            "ask your pilot coordinator."
        )
    committed = figures.committed
    if committed >= figures.cap:
        return (
            f"You have reached the {figures.year} limit of {_hours(figures.cap, 'paid')} "
            f"({rules.hours_text(figures.paid_approved)} approved, "
            f"{rules.hours_text(figures.paid_requested)} pending). Thank you for mentoring."
        )
    left = figures.cap - committed
    verified = figures.personal_verified
    awaiting = figures.personal_awaiting_verification
    yours = (
        f"You have {_hours(verified, 'verified personal')} and "
        f"{_hours(committed, 'paid')} approved or pending"
    )
    if figures.paid_available > 0:
        return (
            f"{yours}, so you can request up to {_hours(figures.paid_available, 'paid')} now. "
            f"Each paid hour after that needs one more verified personal hour first "
            f"({_hours(left, 'paid')} left in {figures.year})."
        )
    # What the hours awaiting verification would unlock once verified: the same rule as
    # paid_available, counting them as verified.
    unlocked = rules.paid_available(
        paid_approved=figures.paid_approved,
        paid_pending=figures.paid_requested,
        personal_verified=verified + awaiting,
        params=params,
    )
    if awaiting > 0 and unlocked > 0:
        return (
            f"{yours}. Your {_hours(awaiting, 'personal')} awaiting verification will let you "
            f"request up to {_hours(unlocked, 'paid')} once your coordinator verifies them."
        )
    if awaiting > 0:
        return (
            f"{yours}; {_hours(awaiting, 'personal')} await verification. Log more personal "
            "hours and have them verified: each one lets you request one more paid hour, "
            f"up to {_hours(left, 'paid')} in {figures.year}."
        )
    return (
        f"{yours}. Personal time comes first: log your own mentoring time, and once your "
        "coordinator verifies it, each personal hour lets you request one paid hour, up to "
        f"{_hours(left, 'paid')} in {figures.year}."
    )


# The policy itself, in the California HR Manual.
HR_MANUAL_URL = "https://hrmanual.calhr.ca.gov/Home/ManualItem/1/2119"
# The paid-leave form lists the days in use from this many days back (and every later one).
DAYS_IN_USE_BACK = 14


@dataclass(frozen=True)
class DayInUse:
    """A date that already has mentoring hours, and what the daily limits leave of it."""

    date: object
    total: Decimal
    paid: Decimal
    room: Decimal
    paid_room: Decimal


def days_in_use(personal_hours, leave_requests, *, today, params: rules.PolicyParams):
    """The recent and coming dates with hours that count toward the daily limits
    (rules.check_daily_limits), from the entries the page already lists."""
    since = today - dt.timedelta(days=DAYS_IN_USE_BACK)
    paid: dict = {}
    personal: dict = {}
    for entry in leave_requests:
        if entry.date >= since and entry.status in COUNTING_LEAVE:
            paid[entry.date] = paid.get(entry.date, ZERO) + entry.hours
    for entry in personal_hours:
        if entry.date >= since and entry.status in COUNTING_PERSONAL:
            personal[entry.date] = personal.get(entry.date, ZERO) + entry.hours
    days = []
    for date in sorted(set(paid) | set(personal)):
        total = paid.get(date, ZERO) + personal.get(date, ZERO)
        room = max(ZERO, params.daily_total_limit - total)
        days.append(
            DayInUse(
                date=date,
                total=total,
                paid=paid.get(date, ZERO),
                room=room,
                paid_room=min(room, max(ZERO, params.daily_paid_limit - paid.get(date, ZERO))),
            )
        )
    return days


@dataclass(frozen=True)
class Bar:
    """A progress bar of two segments (solid, then light) against a whole."""

    label: str
    text: str
    solid: float
    light: float
    value: Decimal
    whole: Decimal
    marker: float | None = None
    marker_label: str = ""


def year_bars(figures: BalanceFigures, *, params: rules.PolicyParams) -> list[Bar]:
    hours = rules.hours_text
    committed = figures.committed
    paid = Bar(
        label="Paid mentoring leave",
        text=(
            f"{hours(figures.paid_approved)} approved and {hours(figures.paid_requested)} pending "
            f"of {hours(figures.cap)} hours"
        ),
        solid=_percent(figures.paid_approved, figures.cap),
        light=_percent(committed, figures.cap) - _percent(figures.paid_approved, figures.cap),
        value=committed,
        whole=figures.cap,
    )
    needed = rules.personal_needed(paid=committed, params=params)
    logged = figures.personal_verified + figures.personal_awaiting_verification
    whole = max(rules.personal_needed(paid=figures.cap, params=params), logged, needed)
    personal = Bar(
        label="Personal mentoring (matches paid leave hour for hour)",
        text=(
            f"{hours(figures.personal_verified)} verified and "
            f"{hours(figures.personal_awaiting_verification)} awaiting verification; "
            f"your paid leave needs {hours(needed)} verified"
        ),
        solid=_percent(figures.personal_verified, whole),
        light=_percent(logged, whole) - _percent(figures.personal_verified, whole),
        value=figures.personal_verified,
        whole=whole,
        marker=_percent(needed, whole) if needed else None,
        marker_label=f"needed: {hours(needed)}",
    )
    return [paid, personal]


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    height: float
    value: Decimal


@dataclass(frozen=True)
class ChartMonth:
    label: str
    x: float
    paid: ChartBar
    personal: ChartBar


def month_chart(months: list[dict], *, height: float = 160.0, width: float = 600.0) -> dict:
    """Coordinates of an SVG bar chart of paid and personal hours for each month."""
    top = max([m["paid"] for m in months] + [m["personal"] for m in months] + [Decimal(1)])
    slot = width / len(months)
    bar = slot * 0.35

    def make(x: float, value: Decimal) -> ChartBar:
        h = float(value / top) * height if top else 0.0
        return ChartBar(x=round(x, 1), y=round(height - h, 1), height=round(h, 1), value=value)

    columns = []
    for index, month in enumerate(months):
        x = index * slot + slot * 0.12
        columns.append(
            ChartMonth(
                label=MONTHS[month["month"] - 1],
                x=round(index * slot + slot / 2, 1),
                paid=make(x, month["paid"]),
                personal=make(x + bar, month["personal"]),
            )
        )
    return {
        "months": columns,
        "bar_width": round(bar, 1),
        "height": height,
        "width": width,
        "top": rules.hours_text(top),
    }
