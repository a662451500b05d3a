"""Leave accounting from the command line: the same file the API serves, and the same sending.

python manage.py leave_accounting DOT --period 2026-11 -o dot-2026-11.xlsx
python manage.py leave_accounting DOT --period 2026-11 --send --by dot.coordinator
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounting import periods, selectors, services
from accounting.models import Batch
from agencies.models import Agency
from policy.errors import NotAllowed
from reports import leave_accounting

from .build_report import _replaced


def _message(error: ValidationError) -> str:
    return " ".join(" ".join(messages) for messages in error.message_dict.values())


class Command(BaseCommand):
    help = (
        "Write an agency's leave accounting export for a month (xlsx, or csv when the file "
        "name ends in .csv); with --send, first send the month as the agency's next batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The agency code, e.g. DOT.")
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument(
            "--send", action="store_true", help="Send the month to leave accounting first."
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="Record this coordinator or administrator as the one sending (checked).",
        )
        parser.add_argument(
            "-o", "--output", default=None, help="File to write (default: the download's name)."
        )

    def handle(self, *args, code, period, send, by, output, **options):
        agency = Agency.objects.filter(code=code.strip().upper()).first()
        if agency is None:
            raise CommandError(f"No agency has the code {code!r}.")
        try:
            month = periods.parse_period(period)
        except ValidationError as error:
            raise CommandError(f"--period: {_message(error)}") from None
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user is named {by!r}.")
        if send:
            try:
                batch = services.batch_send(agency=agency, period=month, by=user)
            except ValidationError as error:
                raise CommandError(_message(error)) from None
            except NotAllowed as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"Sent {periods.label(month)} as {agency.code} batch {batch.number} "
                f"({batch.lines.count()} lines)."
            )
        batch = Batch.objects.filter(agency=agency, period=month).first()
        export = (
            selectors.batch_export(batch)
            if batch is not None
            else selectors.unsent_export(agency=agency, period=month)
        )
        output = output or leave_accounting.filename(export, "xlsx")
        if output.lower().endswith(".csv"):
            content = leave_accounting.build_csv(export)
        else:
            content = leave_accounting.build_xlsx(export)
        with _replaced(output) as out:
            out.write(content)
        state = f"batch {batch.number}" if batch is not None else "not yet sent"
        self.stdout.write(
            f"Wrote {output}: {len(export.lines)} lines, {export.total_hours:.2f} hours ({state})."
        )
