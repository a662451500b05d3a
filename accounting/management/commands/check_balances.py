"""Recompute every employee's year from the ledger and from the entries themselves, compare
with the stored balances, and check the leave accounting batches against the requests.
Exits 1 if anything differs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounting.selectors import reconciled
from hours.selectors import recomputed_balances


class Command(BaseCommand):
    help = (
        "Check that stored balances equal the ledger's and the entries' recomputation, and that "
        "the leave accounting batches add up to the approved hours of every employee."
    )

    def handle(self, *args, **options):
        report = recomputed_balances()
        accounting = reconciled()
        differences = report.differences + accounting.differences
        for line in differences:
            self.stdout.write(self.style.ERROR(line))
        self.stdout.write(
            f"Checked {report.checked} employee-years against the ledger "
            f"({report.ledger_entries} entries) and the hours and requests, and "
            f"{accounting.checked} employee-years of leave accounting batches."
        )
        if differences:
            raise CommandError(f"{len(differences)} difference(s) found.")
        self.stdout.write(self.style.SUCCESS("All balances agree."))
