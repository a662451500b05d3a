"""Build a workbook from the command line, the same file the API serves.

python manage.py build_report agency DOT --year 2026 -o dot.xlsx
python manage.py build_report adoption --year 2026 -o adoption.xlsx
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from policy import dates
from policy.params import MAX_YEAR, MIN_YEAR
from reports.workbooks import (
    adoption_filename,
    agency_filename,
    build_adoption_workbook,
    build_agency_workbook,
)


class ProgressBar:
    """A one-line bar on a terminal; silent when the stream is not one."""

    def __init__(self, stream, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled:
            return
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {label[:20]:<20}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Build the agency workbook or the adoption workbook for a year and save it to a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["agency", "adoption"])
        parser.add_argument("code", nargs="?", help="The agency code, for an agency workbook.")
        parser.add_argument(
            "--year", type=int, default=None, help="Calendar year (default: this year)."
        )
        parser.add_argument(
            "-o",
            "--output",
            default=None,
            help="File to write (default: the download's file name, in this folder).",
        )

    def handle(self, *args, kind, code, year, output, **options):
        year = dates.today().year if year is None else year
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"--year must be between {MIN_YEAR} and {MAX_YEAR}.")
        progress = ProgressBar(sys.stderr)
        if kind == "agency":
            if not code:
                raise CommandError("Give the agency code, e.g. build_report agency DOT.")
            agency = Agency.objects.filter(code=code.upper()).first()
            if agency is None:
                raise CommandError(f"No agency has the code {code!r}.")
            output = output or agency_filename(agency, year)
            with _replaced(output) as out:
                build_agency_workbook(agency, year, progress=progress, out=out)
        else:
            if code:
                raise CommandError("The adoption workbook covers every agency; give no code.")
            output = output or adoption_filename(year)
            with _replaced(output) as out:
                build_adoption_workbook(year, progress=progress, out=out)
        self.stdout.write(f"Wrote {output}")


@contextmanager
def _replaced(path: str):
    """Write beside `path`, then move into place: a failed build never leaves a broken file
    under the workbook's name."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, partial = tempfile.mkstemp(prefix=".build_report-", suffix=".xlsx", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise
