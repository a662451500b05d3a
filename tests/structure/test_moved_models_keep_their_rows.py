"""PolicyYear and LedgerEntry moved from the hours app to the policy and ledger apps. A database
filled before the move keeps every row, its content types and its append-only ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ledger.models import LedgerEntry
from policy.models import PolicyYear

BEFORE_THE_MOVE = [("hours", "0003_queue_indexes"), ("policy", None), ("ledger", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_database_filled_before_the_move_keeps_every_row():
    executor = migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state([BEFORE_THE_MOVE[0]]).apps
    agency = old.get_model("agencies", "Agency").objects.create(
        code="DOT", name="Department of Transportation", headcount=21000
    )
    old.get_model("hours", "PolicyYear").objects.create(year=2031, cap_hours=Decimal("32.00"))
    old.get_model("hours", "LedgerEntry").objects.create(
        agency=agency, kind="pilot.created", subject_type="pilot", subject_id=7, reason="moved"
    )
    ContentType.objects.filter(model__in=["ledgerentry", "policyyear"]).delete()
    ContentType.objects.create(app_label="hours", model="ledgerentry")
    ContentType.objects.create(app_label="hours", model="policyyear")

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert PolicyYear.objects.get(year=2031).cap_hours == Decimal("32.00")
    entry = LedgerEntry.objects.get(subject_id=7)
    assert (entry.kind, entry.reason, entry.agency.code) == ("pilot.created", "moved", "DOT")
    assert entry.at.date() <= dt.date.today() + dt.timedelta(days=1)
    labels = set(
        ContentType.objects.filter(model__in=["ledgerentry", "policyyear"]).values_list(
            "app_label", "model"
        )
    )
    assert labels == {("ledger", "ledgerentry"), ("policy", "policyyear")}
