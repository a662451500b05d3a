"""Employees are reminded that the leave must be used by December 31: from November 1, and a
last time from December 15 (both per-year policy parameters); and when their roster commitment
ends within 30 days. Once per person and period; never to someone who turned reminders off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from post_office.models import Email

from agencies.models import Enrollment
from hours.models import Balance
from notifications.services import preference_set
from policy.models import PolicyYear
from reminders.year_end import send_commitment_ending, send_year_end

MY_YEAR = "https://mentoring.example.ca.gov/me/"
YEAR = dt.date.today().year


def subjects() -> list[str]:
    return list(Email.objects.order_by("id").values_list("subject", flat=True))


@pytest.fixture
def halfway(employee):
    """12 verified personal hours, 8 paid hours approved: 4 could be requested now."""
    Balance.objects.create(
        employee=employee, year=YEAR, personal_verified=Decimal("12"), paid_approved=Decimal("8")
    )
    return employee


def test_nothing_before_november_first(halfway, on):
    assert send_year_end(today=on(10, 31)) == 0


def test_from_november_first_once_with_the_hours_left(halfway, on):
    assert send_year_end(today=on(11, 1)) == 1
    assert send_year_end(today=on(11, 2)) == 0
    [message] = Email.objects.all()
    assert message.to == [halfway.user.email]
    assert message.subject == f"Your {YEAR} mentoring leave ends on December 31"
    text = message.message
    assert "Left under the yearly cap: 32 hours" in text
    assert "You could request now: 4 hours of paid leave" in text
    assert "Verified personal hours not yet matched by paid leave: 4 hours" in text
    assert MY_YEAR in text and f'href="{MY_YEAR}"' in message.html_message


def test_a_last_reminder_from_december_fifteenth_once(halfway, on):
    send_year_end(today=on(11, 1))
    assert send_year_end(today=on(12, 15)) == 1
    assert send_year_end(today=on(12, 20)) == 0
    assert subjects() == [
        f"Your {YEAR} mentoring leave ends on December 31",
        f"Last reminder: your {YEAR} mentoring leave ends on December 31",
    ]


def test_the_dates_are_the_policy_years(halfway, on):
    PolicyYear.objects.update_or_create(
        year=YEAR,
        defaults={
            "first_reminder_on": dt.date(YEAR, 10, 15),
            "last_reminder_on": dt.date(YEAR, 12, 1),
        },
    )
    assert send_year_end(today=on(10, 15)) == 1
    assert send_year_end(today=on(12, 1)) == 1
    assert len(subjects()) == 2


def test_reminder_dates_must_fall_in_the_year_in_order():
    record = PolicyYear(
        year=YEAR, first_reminder_on=dt.date(YEAR, 12, 20), last_reminder_on=dt.date(YEAR, 12, 1)
    )
    with pytest.raises(ValidationError):
        record.clean()
    assert PolicyYear(year=YEAR).reminder_dates == (dt.date(YEAR, 11, 1), dt.date(YEAR, 12, 15))


def test_nobody_with_the_whole_cap_used_is_reminded(employee, on):
    Balance.objects.create(
        employee=employee, year=YEAR, personal_verified=Decimal("40"), paid_approved=Decimal("40")
    )
    assert send_year_end(today=on(11, 1)) == 0


def test_an_employee_with_no_hours_yet_is_reminded_of_the_whole_cap(employee, on):
    assert send_year_end(today=on(11, 1)) == 1
    assert "Left under the yearly cap: 40 hours" in Email.objects.get().message


def test_no_reminder_to_someone_who_turned_them_off(halfway, on):
    preference_set(user=halfway.user, digests=True, reminders=False)
    assert send_year_end(today=on(11, 1)) == 0


def test_a_withdrawn_employee_is_not_reminded(halfway, on):
    Enrollment.objects.filter(employee=halfway).update(status=Enrollment.Status.WITHDRAWN)
    assert send_year_end(today=on(11, 1)) == 0


def test_a_commitment_ending_within_thirty_days_is_told_once(employee, org, on):
    Enrollment.objects.filter(employee=employee).update(commitment_ends_on=dt.date(YEAR, 6, 30))
    assert send_commitment_ending(today=on(5, 30)) == 0  # 31 days ahead
    assert send_commitment_ending(today=on(5, 31)) == 1
    assert send_commitment_ending(today=on(6, 15)) == 0
    [message] = Email.objects.all()
    assert message.subject == "Your mentoring commitment ends on June 30, " + str(YEAR)
    assert "Friends for Youth" in message.message and "in 30 days" in message.message
    assert MY_YEAR in message.message
    # An extended commitment that again nears its end is a new period.
    Enrollment.objects.filter(employee=employee).update(commitment_ends_on=dt.date(YEAR, 7, 15))
    assert send_commitment_ending(today=on(7, 1)) == 1


def test_the_command_sends_both_kinds_once(employee, on, capsys):
    on(12, 15)  # the default commitment ends December 31
    call_command("send_reminders")
    call_command("send_reminders")
    assert capsys.readouterr().out.splitlines() == [
        "1 year-end reminder(s), 1 end-of-commitment reminder(s) queued",
        "0 year-end reminder(s), 0 end-of-commitment reminder(s) queued",
    ]
