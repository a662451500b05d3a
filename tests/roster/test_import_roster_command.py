"""manage.py import_roster: the same import and report as the API, non-zero exit on errors."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.models import Employee
from ledger.models import LedgerEntry

from .conftest import csv_bytes, make_row, roster_state, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_path(tmp_path):
    def write(rows, kind="xlsx"):
        path = tmp_path / f"roster.{kind}"
        path.write_bytes(xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows))
        return str(path)

    return write


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_command_imports_a_good_file(roster_world, roster_path, capsys, kind):
    call_command("import_roster", "DOT", roster_path([make_row(1), make_row(2)], kind))

    assert "Imported 2 rows into DOT" in capsys.readouterr().out
    assert Employee.objects.filter(employee_number__in=["700001", "700002"]).count() == 2
    imported = LedgerEntry.objects.get(kind="roster.imported")
    assert imported.actor is None  # the command line
    assert imported.data["file"] == f"roster.{kind}"


def test_command_records_the_user_named_with_by(roster_world, roster_path):
    call_command("import_roster", "dot", roster_path([make_row(1)]), by="dot.coordinator")
    assert LedgerEntry.objects.get(kind="roster.imported").actor == roster_world


def test_command_refuses_by_a_user_who_does_not_coordinate_the_agency(
    roster_world, other_coordinator, roster_path
):
    before = roster_state()
    with pytest.raises(CommandError, match="coordinator of DOT"):
        call_command("import_roster", "DOT", roster_path([make_row(1)]), by="dph.coordinator")
    assert roster_state() == before


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_command_lists_every_bad_row_and_changes_nothing(roster_world, roster_path, capsys, kind):
    rows = [make_row(1), make_row(2, bargaining_unit="99"), make_row(3, pilot="DPH Pilot")]
    before = roster_state()

    with pytest.raises(CommandError, match="2 rows have problems"):
        call_command("import_roster", "DOT", roster_path(rows, kind))

    err = capsys.readouterr().err
    on_sheet = "Sheet Roster, row" if kind == "xlsx" else "Row"
    assert f"{on_sheet} 3, column bargaining_unit:" in err
    assert f"{on_sheet} 4, column pilot:" in err
    assert roster_state() == before


def test_command_dry_run_prints_the_counts_and_saves_nothing(roster_world, roster_path, capsys):
    before = roster_state()
    call_command("import_roster", "DOT", roster_path([make_row(1)]), dry_run=True)
    assert "Nothing was saved (dry run)" in capsys.readouterr().out
    assert roster_state() == before


def test_command_prints_the_api_report_as_json(roster_world, roster_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_roster", "DOT", roster_path([make_row(1, email="x")]), as_json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == [
        {
            "sheet": "Roster",
            "row": 2,
            "column": "email",
            "code": "invalid",
            "message": "Enter a valid email address.",
        }
    ]


def test_command_refuses_a_file_that_is_not_a_spreadsheet(roster_world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(CommandError, match="not a roster spreadsheet"):
        call_command("import_roster", "DOT", str(path))


def test_command_names_an_unknown_agency_or_a_missing_file(roster_world, roster_path, tmp_path):
    with pytest.raises(CommandError, match="No agency"):
        call_command("import_roster", "XYZ", roster_path([make_row(1)]))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_roster", "DOT", str(tmp_path / "missing.xlsx"))
