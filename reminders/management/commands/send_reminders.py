"""Queue the year-end and end-of-commitment reminders due today (run daily from cron; each
person gets each reminder once per period)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from policy import dates
from reminders.year_end import send_commitment_ending, send_year_end


class Command(BaseCommand):
    help = "Queue the year-end and end-of-commitment reminders that are due today."

    def handle(self, *args, **options):
        today = dates.today()
        year_end = send_year_end(today=today)
        commitment = send_commitment_ending(today=today)
        self.stdout.write(
            f"{year_end} year-end reminder(s), {commitment} end-of-commitment reminder(s) queued"
        )
