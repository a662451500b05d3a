"""What a page shows, worked out from the figures: the next step in plain words, the bars of
an employee's year, the monthly chart. Presentation only: the numbers come from the selectors
and the rules from policy.rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hours.selectors import BalanceFigures
from policy import rules

ZERO = Decimal("0.00")
# The example request the next step is worked out for: a typical mentoring session.
TYPICAL_REQUEST = Decimal("2.00")


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
    """The one thing the employee can do next, in a sentence. `not_enrolled` is the policy's
    sentence when the employee is not on an active roster today."""
    if not eligibility.eligible:
        return eligibility.reason or "You are not eligible for mentoring leave."
    if not_enrolled:
        return (
            f"{not_enrolled} Mentoring hours count once you are on your agency's pilot roster; "
            "ask your pilot coordinator."
        )
    committed = figures.paid_approved + figures.paid_requested
    if committed >= figures.cap:
        return (
            f"You have reached the {figures.year} limit of {_hours(figures.cap, 'paid')} "
            f"({rules.hours_text(figures.paid_approved)} approved, "
            f"{rules.hours_text(figures.paid_requested)} pending). Thank you for mentoring."
        )
    if figures.paid_available > 0:
        return (
            f"You can request up to {_hours(figures.paid_available, 'paid')} now. Each paid hour "
            "after that needs one more verified personal hour first."
        )
    request = min(TYPICAL_REQUEST, figures.cap - committed)
    # The match (rules.check_match): verified personal hours cover all paid leave.
    short = (committed + request) * params.match_ratio - figures.personal_verified
    awaiting = figures.personal_awaiting_verification
    if awaiting >= short:
        return (
            f"You have {_hours(awaiting, 'personal')} awaiting verification. Once your "
            f"coordinator verifies {rules.hours_text(short)} of them, you can request "
            f"{_hours(request, 'paid')}."
        )
    if awaiting > 0:
        return (
            f"Log {rules.hours_text(short - awaiting)} more personal "
            f"{'hour' if short - awaiting == 1 else 'hours'} and have "
            f"{'it' if short - awaiting == 1 else 'them'} verified, along with the "
            f"{rules.hours_text(awaiting)} awaiting verification, before you can request "
            f"{_hours(request, 'paid')}."
        )
    return (
        f"Log {_hours(short, 'more verified personal')} before you can request "
        f"{_hours(request, 'paid')}: personal time comes first, hour for hour."
    )


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
    committed = figures.paid_approved + figures.paid_requested
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
    needed = committed * params.match_ratio
    logged = figures.personal_verified + figures.personal_awaiting_verification
    whole = max(figures.cap * params.match_ratio, logged, needed)
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
