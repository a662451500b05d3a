"""Withdrawing a roster line: the day it takes effect, and telling the layers above.

A withdrawn line counts before its withdrawal date and not from it on (policy.rules). The
services (agencies.services) and the roster import (agencies.roster) ask here which date a line
will hold, and send enrollments_withdrawn once the lines that lost days are saved.
"""

from __future__ import annotations

import datetime as dt

from policy import dates, rules

from .models import Enrollment
from .signals import enrollments_withdrawn

ACTIVE_HAS_NO_WITHDRAWAL = (
    "Only a withdrawn roster line has a withdrawal date: set its status to withdrawn, or leave "
    "withdrawn_on empty."
)


def roster_line_withdrawn_on(
    *,
    current: Enrollment | None,
    status: str,
    withdrawn_on: dt.date | None,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
    today: dt.date | None = None,
) -> dt.date | None:
    """The day the line's withdrawal takes effect: none while it is active (going back to
    active clears it); a line being withdrawn takes the date given, else today, under
    policy.rules.withdrawal_date; a line already withdrawn keeps its date unless another is
    given (a kept date is not judged again: it is the line's history). A line going back to
    active may still carry the date on file (an exported row, the admin's form): it is cleared."""
    on_file = current.withdrawn_on if current is not None else None
    if status != Enrollment.Status.WITHDRAWN:
        if withdrawn_on is not None and withdrawn_on != on_file:
            raise rules.PolicyViolation(
                rules.WITHDRAWAL_DATE, ACTIVE_HAS_NO_WITHDRAWAL, field="withdrawn_on"
            )
        return None
    kept = withdrawn_on is None or withdrawn_on == on_file
    if current is not None and current.status == Enrollment.Status.WITHDRAWN and kept:
        return on_file
    return rules.withdrawal_date(
        withdrawn_on=withdrawn_on,
        commitment_starts_on=commitment_starts_on,
        commitment_ends_on=commitment_ends_on,
        today=today or dates.today(),
    )


def withdrawal_takes_days(*, was: Enrollment | None, now: Enrollment) -> bool:
    """Whether a change withdraws days the line held: an active line withdrawn, or a
    withdrawal moved earlier. (A withdrawn line without a date already holds no day.)"""
    if now.status != Enrollment.Status.WITHDRAWN or was is None:
        return False
    if was.status == Enrollment.Status.ACTIVE:
        return True
    return was.withdrawn_on is not None and now.withdrawn_on < was.withdrawn_on


def send_withdrawals(*, enrollments: list[Enrollment], by) -> None:
    """Tell the layers above that these lines lost days (hours cancels the pending requests
    left without an enrollment). Call it inside the transaction that saved the lines."""
    if enrollments:
        enrollments_withdrawn.send(sender=Enrollment, enrollments=enrollments, by=by)
