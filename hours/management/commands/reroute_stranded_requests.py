"""Send on the requests that wait for someone who is no longer their employee's supervisor:
to the current supervisor, or to the coordinator when there is none. Changes of supervisor
made through the services do this at once; this catches what was stranded before."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hours.services.reroute import stranded_requests_reroute


class Command(BaseCommand):
    help = (
        "Move the requests awaiting a supervisor who no longer supervises their employee to the "
        "current supervisor, or to the coordinator."
    )

    def handle(self, *args, **options):
        moved = stranded_requests_reroute()
        self.stdout.write(f"Moved {moved} request(s).")
