"""Django's SQLite backend, whose flush keeps the ledger append-only.

On SQLite, triggers refuse every UPDATE and DELETE of a ledger entry (ledger migration 0002), as
on PostgreSQL. Emptying the whole database (`manage.py flush`, which the test runner uses
between tests that commit) is the one exception: PostgreSQL does it with TRUNCATE, which row
triggers do not see; SQLite has no TRUNCATE and deletes row by row. So its flush drops the
delete trigger, empties the tables and puts the trigger back, in one transaction. Nothing else
can delete a ledger row: the trigger stands whenever a flush is not under way.
"""

from __future__ import annotations

from django.db.backends.sqlite3 import base, operations

TABLE = "hours_ledgerentry"
NO_DELETE = "hours_ledgerentry_no_delete"
CREATE_NO_DELETE = f"""
CREATE TRIGGER {NO_DELETE}
BEFORE DELETE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: entries are never changed or deleted');
END;
"""


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if TABLE not in tables or not sql:
            return sql
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [NO_DELETE]
            )
            if cursor.fetchone() is None:
                return sql
        return [f"DROP TRIGGER {NO_DELETE};", *sql, CREATE_NO_DELETE]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
