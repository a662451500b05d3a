"""Send the outbox: once (for cron), or forever with --loop (the production worker)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from post_office.lockfile import FileLocked

from notifications import outbox


class Command(BaseCommand):
    help = "Send the queued email that is due; with --loop, keep doing so every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Run until stopped.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between passes with --loop."
        )

    def handle(self, *args, loop: bool, interval: float, **options):
        try:
            with outbox.worker_lock():
                while True:
                    totals = outbox.send_due()
                    if any(totals.values()) or not loop:
                        self.stdout.write(
                            "sent {sent}, failed {failed}, to retry {requeued}".format(**totals)
                        )
                    if not loop:
                        return
                    close_old_connections()
                    time.sleep(interval)
        except FileLocked:
            self.stderr.write("Another send_mail_queue is running; this one stops.")
        except KeyboardInterrupt:
            return
