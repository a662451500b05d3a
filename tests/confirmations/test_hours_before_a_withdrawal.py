"""Personal hours from before a withdrawal took effect still wait for the organization's
confirmation; those from its date on are not sent."""

from __future__ import annotations

import pytest

from agencies.models import Enrollment
from confirmations.models import ConfirmationLink
from confirmations.services import confirmation_requests_send

pytestmark = pytest.mark.django_db


def test_only_hours_before_the_withdrawal_are_sent(contact, employee, log_hours, day):
    before = log_hours(employee, 2, 10)
    log_hours(employee, 2, 100)
    Enrollment.objects.filter(employee=employee).update(
        status=Enrollment.Status.WITHDRAWN, withdrawn_on=day(50)
    )

    confirmation_requests_send()

    [link] = ConfirmationLink.objects.all()
    assert list(link.entries.all()) == [before]
