"""Email each mentoring organization's contacts the personal hours that wait for them: for cron,
once a day (a contact gets at most one email a day however often it runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from confirmations.services import confirmation_requests_send


class Command(BaseCommand):
    help = "Email verification contacts a link to confirm the personal hours that wait for them."

    def handle(self, *args, **options):
        failed = 0
        sent = confirmation_requests_send()
        for result in sent:
            where = f"{result.contact.email} ({result.contact.organization.name})"
            if result.error:
                failed += 1
                self.stderr.write(f"not sent to {where}: {result.error}")
            else:
                self.stdout.write(f"sent {result.entries} entries to {where}")
        self.stdout.write(f"{len(sent) - failed} emails sent, {failed} failed")
        if failed:
            raise SystemExit(1)
