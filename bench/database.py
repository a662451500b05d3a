"""The benchmark's own database, created fresh and dropped afterwards.

On PostgreSQL it is a database named after the configured one with `_bench` added
(`mentoring_bench` for `mentoring`), on the server of DATABASE_URL, so that two checkouts with
their own databases can measure side by side; on SQLite a file in a temporary folder. The
configured database is never written to: the command points
Django's connection at the bench database (as the test runner does for test databases) and
hands the same settings to the processes it starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection, connections

BENCH_SUFFIX = "_bench"


@dataclass
class BenchDatabase:
    vendor: str
    name: str
    env: dict[str, str] = field(default_factory=dict)
    _tempdir: str | None = None

    def drop(self) -> None:
        connections.close_all()
        if self.vendor == "postgresql":
            with _maintenance() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self._tempdir:
            shutil.rmtree(self._tempdir, ignore_errors=True)


def _maintenance():
    """An autocommit psycopg connection to the server's `postgres` database."""
    import psycopg

    params = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    ).cursor()


def _point_default_at(name: str) -> None:
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


def create() -> BenchDatabase:
    """Create an empty bench database (dropping a previous one) and switch Django to it."""
    vendor = connection.vendor
    if vendor == "postgresql":
        name = f"{settings.DATABASES['default']['NAME']}{BENCH_SUFFIX}"
        with _maintenance() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = urlsplit(os.environ["DATABASE_URL"])
        bench_url = urlunsplit(url._replace(path=f"/{name}"))
        _point_default_at(name)
        return BenchDatabase(vendor, name, env={"DATABASE_URL": bench_url})
    if vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="mentoring-bench-")
        path = os.path.join(folder, "bench.sqlite3")
        _point_default_at(path)
        return BenchDatabase(
            vendor, path, env={"DATABASE_URL": "", "SQLITE_PATH": path}, _tempdir=folder
        )
    raise RuntimeError(f"The benchmark runs on PostgreSQL or SQLite, not {vendor}.")


def version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"
