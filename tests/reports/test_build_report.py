"""manage.py build_report: the same workbooks from the command line."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from reports.management.commands.build_report import ProgressBar


def test_builds_the_agency_workbook_to_a_file(mentoring_year, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "dot.xlsx"
    year = str(mentoring_year["year"])
    call_command(
        "build_report", "agency", "DOT", "--year", year, "-o", str(path), stdout=out, stderr=err
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Summary",
        "Employees",
        "Monthly",
        "Requests",
        "Verified hours",
        "Definitions",
    ]
    assert f"Wrote {path}" in out.getvalue()
    assert err.getvalue() == ""  # not a terminal: no progress bar


def test_builds_the_adoption_workbook_to_a_file(mentoring_year, tmp_path):
    path = tmp_path / "adoption.xlsx"
    year = str(mentoring_year["year"])
    call_command("build_report", "adoption", "--year", year, "-o", str(path), stdout=io.StringIO())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["Summary", "Trend", "Definitions"]


def test_an_unknown_agency_or_a_bad_year_is_refused(dot, tmp_path):
    path = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="No agency"):
        call_command("build_report", "agency", "NOPE", "--year", "2026", "-o", path)
    with pytest.raises(CommandError, match="agency code"):
        call_command("build_report", "agency", "--year", "2026", "-o", path)
    with pytest.raises(CommandError, match="--year"):
        call_command("build_report", "adoption", "--year", "1900", "-o", path)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_only_on_a_terminal():
    terminal = FakeTerminal()
    bar = ProgressBar(terminal, width=10)
    bar(1, 2, "DOT")
    bar(2, 2, "Summary")
    assert "[#####-----] 1/2 DOT" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")
    pipe = io.StringIO()
    ProgressBar(pipe)(1, 2, "DOT")
    assert pipe.getvalue() == ""
