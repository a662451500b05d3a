"""manage.py leave_accounting: the export to a file, and sending from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounting.models import Batch
from ledger.models import LedgerEntry

from .conftest import JUNE, YEAR, on

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("leave_accounting", *args, stdout=out)
    return out.getvalue()


def test_writes_the_unsent_lines_without_sending(tmp_path, dot, employee, approved):
    approved(employee, 4, on(6, 3))
    target = tmp_path / "dot.xlsx"

    output = run("dot", "--period", JUNE, "-o", str(target))

    assert "1 lines, 4.00 hours (not yet sent)" in output
    ws = load_workbook(target)["Lines"]
    assert ws["B4"].value == employee.employee_number and ws["E4"].value == 4
    assert not Batch.objects.exists()


def test_sends_and_writes_the_batch(tmp_path, dot, employee, coordinator, approved):
    approved(employee, 4, on(6, 3))
    target = tmp_path / "dot.csv"

    output = run("DOT", "--period", JUNE, "--send", "--by", "dot.coordinator", "-o", str(target))

    assert f"Sent June {YEAR} as DOT batch 1 (1 lines)." in output
    batch = Batch.objects.get()
    assert batch.sent_by == coordinator
    assert LedgerEntry.objects.get(kind=LedgerEntry.Kind.ACCOUNTING_BATCH_SENT).actor == coordinator
    assert target.read_text().splitlines()[1].startswith(f"1,{employee.employee_number},")


def test_refuses_bad_input_without_writing(tmp_path, dot, other_coordinator):
    target = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="--period: '2026-13' is not a month"):
        run("DOT", "--period", "2026-13", "-o", str(target))
    with pytest.raises(CommandError, match="Nothing to send"):
        run("DOT", "--period", JUNE, "--send", "-o", str(target))
    with pytest.raises(CommandError, match="Only a coordinator of DOT"):
        run("DOT", "--period", JUNE, "--send", "--by", "dph.coordinator", "-o", str(target))
    with pytest.raises(CommandError, match="No agency"):
        run("XYZ", "--period", JUNE)
    assert not target.exists() and not Batch.objects.exists()
