"""manage.py check_balances: stored balances against the ledger and against the entries."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hours.models import Balance, PersonalHours


def run() -> str:
    out = StringIO()
    call_command("check_balances", stdout=out)
    return out.getvalue()


@pytest.fixture
def year_of_hours(
    employee,
    other_employee,
    coordinator,
    admin_user,
    verified,
    log_hours,
    approved_leave,
    request_leave,
    day,
):
    verified(employee, 8, 1)
    log_hours(employee, 2, 2)
    approved_leave(employee, 4, 1)
    request_leave(employee, 2, 2)
    verified(other_employee, 4, 1, by=admin_user)
    return employee


def test_clean_when_nothing_was_recorded(db):
    assert "All balances agree." in run()


def test_clean_after_every_kind_of_change(year_of_hours):
    output = run()
    assert "Checked 2 employee-years" in output
    assert "All balances agree." in output


def test_a_corrupted_balance_makes_the_command_fail(year_of_hours, today):
    Balance.objects.filter(employee=year_of_hours, year=today.year).update(
        paid_approved=Decimal("40")
    )
    with pytest.raises(CommandError, match="difference"):
        run()


def test_the_difference_is_named(year_of_hours, today):
    Balance.objects.filter(employee=year_of_hours, year=today.year).update(paid_pending=0)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_balances", stdout=out)
    text = out.getvalue()
    assert f"employee {year_of_hours.pk} year {today.year}: stored paid_pending 0.00" in text
    assert "the ledger gives 2.00" in text and "the entries give 2.00" in text


def test_an_entry_changed_behind_the_services_back_is_found(year_of_hours):
    PersonalHours.objects.filter(employee=year_of_hours, status="logged").update(hours=5)
    with pytest.raises(CommandError):
        run()


def test_a_missing_balance_row_is_found(year_of_hours, today):
    Balance.objects.filter(employee=year_of_hours, year=today.year).delete()
    with pytest.raises(CommandError):
        run()


def test_exits_non_zero_from_the_command_line(year_of_hours, today):
    Balance.objects.filter(employee=year_of_hours, year=today.year).update(personal_verified=1)
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "check_balances"]).execute()
    assert exit_info.value.code != 0
