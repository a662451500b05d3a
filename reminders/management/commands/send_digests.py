"""Queue today's digests (run daily from cron; a rerun the same day sends nothing new)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from policy import dates
from reminders.digests import send_digests


class Command(BaseCommand):
    help = "Queue the daily digest for each person something waits for."

    def handle(self, *args, **options):
        queued = send_digests(today=dates.today())
        self.stdout.write(f"{queued} digest(s) queued")
