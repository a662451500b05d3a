"""Signals the roster sends to the layers above it (which agencies must not import)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that withdraws roster lines (or moves a withdrawal earlier), once
# the lines are saved, with `enrollments` (the lines, each with its withdrawn_on) and `by` (who
# withdrew them; None from the command line). hours cancels the pending requests that the
# withdrawals leave without an enrollment (hours.services.withdrawals).
enrollments_withdrawn = Signal()
