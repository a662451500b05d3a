"""The API under load: the server run as in production, driven from a separate process.

gunicorn serves the bench database on a free loopback port with DEBUG off; `bench.http` sends
the requests. Each endpoint is measured next to /healthz at the same concurrency, so the
ratio says what the endpoint costs beyond the server's own overhead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import token_create
from agencies.models import Agency, Employee, Role
from hours.models import LeaveRequest, PersonalHours

BASE_DIR = Path(settings.BASE_DIR)
SCENARIOS = ("healthz", "balance_me", "pending_list", "log_personal", "approve")
LABELS = {
    "healthz": "GET /healthz",
    "balance_me": "GET /api/v1/balances/me/",
    "pending_list": "GET /api/v1/leave-requests/?status=pending&page_size=50 (coordinator)",
    "log_personal": "POST /api/v1/personal-hours/",
    "approve": "POST /api/v1/leave-requests/{id}/approve/",
}
PENDING_PATH = "/api/v1/leave-requests/?status=pending&page_size=50"


def production_env(bench_env: dict[str, str]) -> dict[str, str]:
    """The environment of a production server, pointed at the bench database."""
    env = dict(os.environ)
    env.update(bench_env)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # The approval sends its email after commit, inside the request; no mail server here.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        # No collectstatic here: the API serves no static files.
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Actors:
    """Who sends the requests: tokens and what each may act on."""

    employees: list[tuple[str, int]] = field(default_factory=list)  # (token, employee id)
    coordinator_token: str = ""  # of the largest agency
    coordinator_by_agency: dict[int, str] = field(default_factory=dict)
    organization_of: dict[int, int] = field(default_factory=dict)
    free_dates: dict[int, list[dt.date]] = field(default_factory=dict)


def prepare_actors(*, employees: int, today: dt.date) -> Actors:
    """Tokens for a pool of employees and for every coordinator, and for each pooled employee
    the dates up to today on which they have logged nothing (so logging hours there breaks no
    daily limit)."""
    actors = Actors()
    largest = Agency.objects.order_by("-headcount", "code").first()
    for role in Role.objects.filter(kind=Role.Kind.COORDINATOR).select_related("user"):
        key, _ = token_create(user=role.user)
        actors.coordinator_by_agency[role.agency_id] = key
        if role.agency_id == largest.pk:
            actors.coordinator_token = key
    ids = list(Employee.objects.order_by("id").values_list("id", flat=True))
    ids = ids[:: max(1, len(ids) // employees)][:employees]
    pool = list(
        Employee.objects.filter(id__in=ids).select_related("user").prefetch_related("enrollments")
    )
    used: dict[int, set[dt.date]] = {e.pk: set() for e in pool}
    for model in (PersonalHours, LeaveRequest):
        for employee_id, day in model.objects.filter(employee__in=pool).values_list(
            "employee_id", "date"
        ):
            used[employee_id].add(day)
    first = dt.date(today.year, 1, 1)
    days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
    for employee in pool:
        key, _ = token_create(user=employee.user)
        actors.employees.append((key, employee.pk))
        actors.organization_of[employee.pk] = employee.enrollments.all()[0].organization_id
        actors.free_dates[employee.pk] = [d for d in days if d not in used[employee.pk]]
    return actors


def personal_hours_requests(actors: Actors, count: int) -> list[dict]:
    """`count` POSTs of one hour, spread over the pooled employees and their free dates: at most
    12 on one date (the daily limit)."""
    out = []
    slots = {employee_id: 0 for _, employee_id in actors.employees}
    for index in range(count):
        token, employee_id = actors.employees[index % len(actors.employees)]
        slot = slots[employee_id]
        dates = actors.free_dates[employee_id]
        if slot // 12 >= len(dates):
            continue
        slots[employee_id] = slot + 1
        out.append(
            {
                "method": "POST",
                "path": "/api/v1/personal-hours/",
                "token": token,
                "expect": 201,
                "body": {
                    "date": dates[slot // 12].isoformat(),
                    "hours": "1.00",
                    "source": "non_working_time",
                    "organization": actors.organization_of[employee_id],
                    "activity": "mentoring",
                },
            }
        )
    return out


def approve_requests(actors: Actors, count: int) -> list[dict]:
    """Pending requests, across agencies, each approved by its agency's coordinator."""
    # A random sample of every agency's pending requests (setup, not measured).
    pending = list(
        LeaveRequest.objects.filter(status=LeaveRequest.Status.PENDING)
        .order_by("?")
        .values_list("id", "employee__agency_id")[:count]
    )
    return [
        {
            "method": "POST",
            "path": f"/api/v1/leave-requests/{pk}/approve/",
            "token": actors.coordinator_by_agency[agency_id],
            "expect": 200,
            "body": {},
        }
        for pk, agency_id in pending
    ]


def build_plan(actors: Actors, *, port: int, seconds: float, limit: int, levels) -> dict:
    once_count = limit * len(levels) + 50
    return {
        "port": port,
        "seconds": seconds,
        "limit": limit,
        "warmup": 5,
        "concurrency": list(levels),
        "scenarios": [
            {"name": "healthz", "requests": [{"method": "GET", "path": "/healthz"}]},
            {
                "name": "balance_me",
                "requests": [
                    {"method": "GET", "path": "/api/v1/balances/me/", "token": token}
                    for token, _ in actors.employees
                ],
            },
            {
                "name": "pending_list",
                "requests": [
                    {"method": "GET", "path": PENDING_PATH, "token": actors.coordinator_token}
                ],
            },
            {
                "name": "log_personal",
                "once": True,
                "requests": personal_hours_requests(actors, once_count),
            },
            {"name": "approve", "once": True, "requests": approve_requests(actors, once_count)},
        ],
    }


def query_counts(actors: Actors) -> dict[str, int]:
    """SQL queries per request of each endpoint, through Django's test client."""
    client = Client(HTTP_HOST="localhost")
    counts = {}
    log = personal_hours_requests(actors, len(actors.employees) * 12)[-1:]
    approve = approve_requests(actors, 1)
    items = {
        "healthz": {"method": "GET", "path": "/healthz"},
        "balance_me": {
            "method": "GET",
            "path": "/api/v1/balances/me/",
            "token": actors.employees[0][0],
        },
        "pending_list": {"method": "GET", "path": PENDING_PATH, "token": actors.coordinator_token},
        "log_personal": log[0] if log else None,
        "approve": approve[0] if approve else None,
    }
    for name, item in items.items():
        if item is None:
            continue
        headers = {"HTTP_AUTHORIZATION": f"Token {item['token']}"} if item.get("token") else {}
        with CaptureQueriesContext(connection) as queries:
            if item["method"] == "GET":
                response = client.get(item["path"], secure=True, **headers)
            else:
                response = client.post(
                    item["path"],
                    json.dumps(item["body"]),
                    content_type="application/json",
                    secure=True,
                    **headers,
                )
        expected = item.get("expect", 200)
        counts[name] = len(queries) if response.status_code == expected else -1
    return counts


class Server:
    """gunicorn on a free loopback port, as `make serve` runs it."""

    def __init__(self, env: dict[str, str], *, workers: int) -> None:
        self.port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 (our own executable and arguments)
            [
                str(gunicorn),
                "leave_tracker.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited before answering /healthz")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def drive(plan: dict, env: dict[str, str]) -> list[dict]:
    """Run the load generator in its own process and read its results."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plan, handle)
        path = handle.name
    try:
        finished = subprocess.run(  # noqa: S603 (our own executable and arguments)
            [sys.executable, "-m", "bench.http", path],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(path)
    sys.stderr.write(finished.stderr)
    return json.loads(finished.stdout)
