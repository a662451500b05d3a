"""Helpers for the roster API tests: row counts, to show that nothing was half-written."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from agencies.models import Employee, Enrollment, Pilot
from ledger.models import LedgerEntry


@pytest.fixture
def row_counts(db):
    """row_counts(): how many employees, users, enrollments, pilots and ledger entries exist."""

    def count() -> dict[str, int]:
        return {
            "employees": Employee.objects.count(),
            "users": get_user_model().objects.count(),
            "enrollments": Enrollment.objects.count(),
            "pilots": Pilot.objects.count(),
            "ledger": LedgerEntry.objects.count(),
        }

    return count


@pytest.fixture
def fresh_client(client_for):
    """fresh_client(user): a client for a newly loaded copy of `user`, so that nothing read in
    an earlier request (such as the user's roles) is reused, as in a real request."""

    def make(user):
        return client_for(get_user_model().objects.get(pk=user.pk))

    return make
