from django.db import migrations

SEEDED_YEARS = range(2024, 2031)


def seed_policy_years(apps, schema_editor):
    PolicyYear = apps.get_model("hours", "PolicyYear")
    for year in SEEDED_YEARS:
        PolicyYear.objects.get_or_create(year=year)


def append_only_ledger(apps, schema_editor):
    """The database itself refuses to change or delete a ledger entry."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION hours_ledger_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the ledger is append-only: entries are never changed or deleted';
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER hours_ledgerentry_append_only
                BEFORE UPDATE OR DELETE ON hours_ledgerentry
                FOR EACH ROW EXECUTE FUNCTION hours_ledger_append_only();
            """
        )
    elif vendor == "sqlite":
        # Only UPDATE: the test runner empties tables with DELETE between tests on SQLite.
        schema_editor.execute(
            """
            CREATE TRIGGER hours_ledgerentry_append_only
            BEFORE UPDATE ON hours_ledgerentry
            BEGIN
                SELECT RAISE(ABORT, 'the ledger is append-only: entries are never changed');
            END;
            """
        )


def drop_append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS hours_ledgerentry_append_only ON hours_ledgerentry;"
            "DROP FUNCTION IF EXISTS hours_ledger_append_only();"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS hours_ledgerentry_append_only;")


class Migration(migrations.Migration):
    dependencies = [("hours", "0001_initial")]

    operations = [
        migrations.RunPython(seed_policy_years, migrations.RunPython.noop),
        migrations.RunPython(append_only_ledger, drop_append_only),
    ]
