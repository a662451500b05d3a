"""A server killed with SIGKILL in the middle of a burst of concurrent writes keeps every write
it answered 2xx, and the balances still agree with the ledger (PostgreSQL only).

gunicorn serves the test database on loopback with production settings; threads send writes
with their tokens; once a share of them has been answered, the whole gunicorn process group is
killed. Every request has a timeout, and the test is bounded to well under a minute.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.services import token_create
from hours import services
from hours.models import LeaveRequest, PersonalHours

from ..factories import EmployeeFactory, EnrollmentFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (DATABASE_URL)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WRITERS = 6
KILL_AFTER_ANSWERS = 30
REQUEST_TIMEOUT = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "leave_tracker.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "sigkill-test-secret-key-not-used-anywhere-else-0123456789abcdef",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            str(GUNICORN),
            "leave_tracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "20",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed as a whole
    )


def _wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited before serving"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz within 20 s")


def _post(base: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}
    except OSError:
        return 0, {}  # the connection died with the server


@pytest.mark.django_db(transaction=True)
def test_sigkill_during_a_write_burst_loses_no_confirmed_write(
    dot, dot_pilot, org, coordinator, day, today
):
    writers = []
    for _ in range(WRITERS):
        employee = EmployeeFactory(agency=dot)
        EnrollmentFactory(employee=employee, pilot=dot_pilot, organization=org)
        verified = services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(0),
            hours=Decimal("8"),
            source="non_working_time",
            organization=org,
        )
        services.personal_hours_verify(
            reason="Signed paper form", entry=verified, by=coordinator, verified_by_name="Office"
        )
        writers.append((employee, token_create(user=employee.user)[0]))

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_gunicorn(port)
    confirmed: list[tuple[str, int, int]] = []  # (kind, id, employee id)
    failed = []
    lock = threading.Lock()
    enough = threading.Event()

    def write(employee, token, index):
        for n in range(40):
            if n % 2:
                kind, path = "leave", "/api/v1/leave-requests/"
                body = {"date": f"{today.year}-12-{1 + n % 28:02}", "hours": "0.25"}
            else:
                kind, path = "hours", "/api/v1/personal-hours/"
                body = {"date": day(n).isoformat(), "hours": "0.25", "source": "non_working_time"}
            status, data = _post(base, path, token, {**body, "organization": org.pk})
            with lock:
                if 200 <= status < 300:
                    confirmed.append((kind, data["id"], employee.pk))
                    if len(confirmed) >= KILL_AFTER_ANSWERS:
                        enough.set()
                elif status == 0:
                    failed.append((kind, index, n))
                    return

    try:
        _wait_until_serving(base, server)
        threads = [
            threading.Thread(target=write, args=(employee, token, i), daemon=True)
            for i, (employee, token) in enumerate(writers)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        enough.wait(timeout=30)
        os.killpg(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert time.monotonic() - started < 60
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)

    assert len(confirmed) >= KILL_AFTER_ANSWERS, "the burst never got going"
    assert failed, "the server was killed after the burst had ended, not during it"
    models = {"hours": PersonalHours, "leave": LeaveRequest}
    for kind, pk, employee_id in confirmed:
        assert models[kind].objects.filter(pk=pk, employee_id=employee_id).exists(), (kind, pk)
    call_command("check_balances")  # raises CommandError on any difference
