"""Recompute every employee's year from the ledger and from the entries themselves, and compare
with the stored balances. Exits 1 if anything differs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hours.selectors import recomputed_balances


class Command(BaseCommand):
    help = "Check that stored balances equal the ledger's and the entries' recomputation."

    def handle(self, *args, **options):
        report = recomputed_balances()
        for line in report.differences:
            self.stdout.write(self.style.ERROR(line))
        self.stdout.write(
            f"Checked {report.checked} employee-years against the ledger "
            f"({report.ledger_entries} entries) and the hours and requests."
        )
        if report.differences:
            raise CommandError(f"{len(report.differences)} difference(s) found.")
        self.stdout.write(self.style.SUCCESS("All balances agree."))
