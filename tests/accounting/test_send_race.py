"""Two coordinators send the same month at the same moment: exactly one batch, on PostgreSQL
with real row locks and real threads (each thread has its own connection)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from accounting.models import Batch, BatchLine
from ledger.models import LedgerEntry
from tests.hours.test_concurrency import run_together

from .conftest import API, JUNE, on

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"
    ),
]
User = get_user_model()


def test_two_coordinators_sending_a_month_at_once_make_one_batch(
    dot, employee, second_employee, coordinator, second_coordinator, approved
):
    for n in range(1, 9):
        approved(employee if n % 2 else second_employee, 1, on(6, n))

    def send(user_id):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user_id))
        response = client.post(
            f"{API}/reports/leave-accounting/DOT/send/", {"period": JUNE}, format="json"
        )
        return response.status_code, response.json()

    results = run_together(send, [coordinator.pk, second_coordinator.pk] * 2)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 400, 400, 400]
    refusals = [body["period"][0] for status, body in results if status == 400]
    assert all("already sent as batch 1" in text for text in refusals)
    batch = Batch.objects.get()
    assert batch.number == 1
    assert BatchLine.objects.filter(batch=batch).count() == 8
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ACCOUNTING_BATCH_SENT).count() == 1
    call_command("check_balances")
