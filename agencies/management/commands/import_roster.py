"""Import a pilot roster file from the command line: the same service as the API and admin."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from agencies.roster import import_roster
from policy.errors import NotAllowed


class Command(BaseCommand):
    help = (
        "Import a roster (xlsx or csv) into an agency: every row or none. Prints the report; "
        "exits non-zero and changes nothing when any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("agency", help="Agency code, e.g. DOT.")
        parser.add_argument("path", help="The roster file, .xlsx or .csv.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; save nothing.")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="Record this coordinator or administrator as the one importing (checked).",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the report as JSON."
        )

    def handle(self, *args, agency, path, dry_run, by, as_json, **options):
        found = Agency.objects.filter(code=agency.strip().upper()).first()
        if found is None:
            raise CommandError(f"No agency has the code {agency!r}.")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user is named {by!r}.")
        try:
            with open(path, "rb") as roster_file:
                result = import_roster(
                    agency=found, by=user, uploaded_file=roster_file, dry_run=dry_run
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        self._print(result, as_json=as_json)
        if result.errors:
            raise CommandError(result.detail)

    def _print(self, result, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        if not result.errors:
            self.stdout.write(self.style.SUCCESS(result.detail))
            if result.dry_run:
                for change in result.row_changes:
                    self.stdout.write(
                        f"Row {change.row}, {change.employee_number} {change.name}: "
                        + change.summary
                    )
            return
        for error in result.errors:
            self.stderr.write(f"{error.where}: {error.message}")
