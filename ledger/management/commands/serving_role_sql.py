"""Print the SQL that sets up a least-privilege PostgreSQL role for serving the app.

The owner of the tables runs the migrations; the app serves as another role that may read,
add and change rows but never delete them, and only read and add ledger entries. Owning a
table is what allows TRUNCATE, DROP and disabling its triggers, which would go round the
ledger's append-only triggers; the serving role owns nothing.

    python manage.py serving_role_sql --role mentoring_app | psql "$OWNER_DATABASE_URL"

Run it again after each `migrate` (every statement can be repeated): a new table gets its
grants then. The framework tables that Django itself deletes rows from (sessions on sign-out,
the cache's expired entries, a user's groups and permissions in the admin) also get DELETE.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ledger.models import LedgerEntry

# Tables whose rows Django itself deletes in ordinary serving.
FRAMEWORK_DELETES = {
    "django_session",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_group_permissions",
}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def serving_role_sql(role: str, database: str) -> str:
    ledger = LedgerEntry._meta.db_table
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    caches = {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("DatabaseCache")
    }
    tables += sorted(caches - set(tables))
    r = quote(role)
    lines = [
        f"-- A least-privilege serving role for {database}; run as the tables' owner.",
        "DO $$ BEGIN",
        f"    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN",
        f"        CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;",
        "    END IF;",
        "END $$;",
        f"-- Set its password apart, e.g. in psql: \\password {role}",
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {r};",
        f"GRANT USAGE ON SCHEMA public TO {r};",
        f"REVOKE CREATE ON SCHEMA public FROM {r};",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r};",
    ]
    for table in tables:
        if table == ledger:
            rights = "SELECT, INSERT"  # append-only: no UPDATE, DELETE or TRUNCATE
        elif table in FRAMEWORK_DELETES or table in caches:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        else:
            rights = "SELECT, INSERT, UPDATE"
        lines.append(f"GRANT {rights} ON {quote(table)} TO {r};")
    lines.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r};")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print the SQL for a least-privilege PostgreSQL role that serves the app."

    def add_arguments(self, parser):
        parser.add_argument("--role", default="mentoring_app", help="the serving role's name")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("This is for PostgreSQL (set DATABASE_URL); SQLite has no roles.")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
            raise CommandError("The role name takes lower-case letters, digits and _.")
        self.stdout.write(serving_role_sql(role, connection.settings_dict["NAME"]))
