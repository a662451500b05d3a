"""On PostgreSQL the app serves as a role that does not own the tables
(`manage.py serving_role_sql`): it reads, adds and changes rows, and only reads and adds
ledger entries. UPDATE, DELETE and TRUNCATE of the ledger, and dropping a table, are refused
by the database's own permissions, not only by its triggers (which an owner may disable)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from agencies.models import Agency
from ledger import services as ledger
from ledger.models import LedgerEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (DATABASE_URL)",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def serving_role(dot):
    """The printed SQL, run as the owner inside the test's transaction (roles and grants roll
    back with it), then SET ROLE to the serving role for the test's statements."""
    role = f"mentoring_app_test_{os.getpid()}"
    out = io.StringIO()
    call_command("serving_role_sql", "--role", role, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute(out.getvalue())
        cursor.execute(f'SET ROLE "{role}"')
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def refused(sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="permission denied|must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


def test_the_serving_role_cannot_update_delete_or_truncate_the_ledger(serving_role, dot):
    entry = ledger.record(
        kind=LedgerEntry.Kind.PILOT_CREATED,
        subject=dot,
        agency_id=dot.pk,
        actor=None,
    )
    table = LedgerEntry._meta.db_table
    refused(f"UPDATE {table} SET reason = 'rewritten' WHERE id = {entry.pk}")
    refused(f"DELETE FROM {table} WHERE id = {entry.pk}")
    refused(f"TRUNCATE {table}")
    refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    refused(f"DROP TABLE {table}")
    assert LedgerEntry.objects.filter(pk=entry.pk, reason=entry.reason).exists()


def test_the_serving_role_reads_adds_and_changes_ordinary_rows(serving_role, dot):
    Agency.objects.filter(pk=dot.pk).update(name="Caltrans")
    Agency.objects.create(code="CDT", name="Department of Technology", headcount=900)
    assert set(Agency.objects.values_list("name", flat=True)) >= {"Caltrans"}
    refused(f"DELETE FROM {Agency._meta.db_table} WHERE id = {dot.pk}")


def test_the_command_refuses_a_role_name_that_is_not_a_plain_name():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("serving_role_sql", "--role", "x'; DROP TABLE y; --", stdout=io.StringIO())
