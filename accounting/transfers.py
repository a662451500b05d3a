"""Leave accounting's say in a transfer: a sent pay period is frozen, so a transfer cannot move
hours out of it."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from agencies.models import Agency

from . import periods, selectors


def refuse_transfer_into_sent_period(sender, *, transfer, **kwargs) -> None:
    """Hours dated from the effective day go to the new agency; any of them inside a month the
    old agency already sent would then be counted by both agencies. The old agency's row is
    locked against batch_send(), which locks it too, so a batch and a transfer are decided one
    after the other; FOR NO KEY UPDATE, so that an approval writing rows that point at the
    agency (its ledger entry) is not blocked while the transfer waits for its year."""
    Agency.objects.select_for_update(no_key=True).filter(pk=transfer.from_agency_id).first()
    last = selectors.last_sent_period(transfer.from_agency)
    if last is not None and transfer.effective_on <= periods.last_day(last):
        first_open = periods.next_month(last)
        raise ValidationError(
            {
                "effective_on": f"{transfer.from_agency.code} already sent "
                f"{periods.label(last)} to leave accounting, so a transfer cannot take effect "
                f"before {first_open:%B %-d, %Y}."
            }
        )
