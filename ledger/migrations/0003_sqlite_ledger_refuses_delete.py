"""On SQLite the ledger refused UPDATE only; it now refuses DELETE too, as on PostgreSQL. The
flush that empties a whole database goes round the trigger (ledger/sqlite/base.py)."""

from django.db import migrations

CREATE = """
CREATE TRIGGER hours_ledgerentry_no_delete
BEFORE DELETE ON hours_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: entries are never changed or deleted');
END;
"""


def refuse_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def allow_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS hours_ledgerentry_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_accounting_kinds")]

    operations = [migrations.RunPython(refuse_delete, allow_delete)]
