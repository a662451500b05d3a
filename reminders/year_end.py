"""Reminders to employees: the year-end deadline, and a commitment that is about to end.

Paid mentoring leave has to be requested and used within the calendar year; nothing carries
over. From the year's first reminder date (November 1 unless the policy year says otherwise)
an employee with hours still to use is told once; from the last (December 15) once more.
Each reminder is recorded per person and period, so a rerun sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from agencies.models import Employee, Enrollment
from hours import selectors
from notifications.models import Kind
from notifications.services import message_queue_once
from policy import rules
from policy.selectors import policy_params, reminder_dates

COMMITMENT_NOTICE_DAYS = 30
ZERO = Decimal("0")


def year_end_topic(today: dt.date) -> str | None:
    """Which year-end reminder is due today, if any."""
    first, last = reminder_dates(today.year)
    if today >= last:
        return "year-end-last"
    if today >= first:
        return "year-end-first"
    return None


def unmatched_verified(figures: selectors.BalanceFigures, params: rules.PolicyParams) -> Decimal:
    """Verified personal hours that no paid leave (approved or pending) is matched against."""
    committed = figures.committed
    return max(ZERO, figures.personal_verified - committed * params.match_ratio)


def send_year_end(*, today: dt.date) -> int:
    topic = year_end_topic(today)
    if topic is None:
        return 0
    year = today.year
    params = policy_params(year)
    # On the roster today: an active line, or one withdrawn from a later day.
    enrolled = Employee.objects.filter(
        Enrollment.holds_on(today, prefix="enrollments__"), user__is_active=True
    ).distinct()
    queued = 0
    for employee in selectors.employees_with_year(enrolled, year=year).order_by("pk"):
        figures = selectors.figures_of(employee, year=year, params=params)
        left_under_cap = params.cap_hours - figures.committed
        if left_under_cap <= 0:
            continue  # nothing left to use this year
        queued += message_queue_once(
            user=employee.user,
            kind=Kind.REMINDER,
            topic=topic,
            period=str(year),
            template="reminders/email/year_end",
            context={
                "last": topic == "year-end-last",
                "year": year,
                "year_end": dt.date(year, 12, 31),
                "left_under_cap": rules.plural_hours(left_under_cap),
                "available": rules.plural_hours(figures.paid_available),
                "unmatched": rules.plural_hours(unmatched_verified(figures, params)),
                "awaiting": rules.plural_hours(figures.personal_awaiting_verification),
                "has_awaiting": figures.personal_awaiting_verification > 0,
            },
            link=reverse("web:my-year"),
        )
    return queued


def send_commitment_ending(*, today: dt.date) -> int:
    """Employees whose roster commitment ends within 30 days, once per enrollment and end date."""
    ending = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE,
        employee__user__is_active=True,
        commitment_ends_on__gte=today,
        commitment_ends_on__lte=today + dt.timedelta(days=COMMITMENT_NOTICE_DAYS),
    ).select_related("employee__user", "organization")
    queued = 0
    for enrollment in ending.order_by("commitment_ends_on", "pk"):
        queued += message_queue_once(
            user=enrollment.employee.user,
            kind=Kind.REMINDER,
            topic="commitment-end",
            period=f"{enrollment.pk}:{enrollment.commitment_ends_on.isoformat()}",
            template="reminders/email/commitment_end",
            context={
                "organization": enrollment.organization.name,
                "ends_on": enrollment.commitment_ends_on,
                "days": (enrollment.commitment_ends_on - today).days,
            },
            link=reverse("web:my-year"),
        )
    return queued
