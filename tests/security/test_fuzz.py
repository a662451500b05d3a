"""Fuzzing every API operation from the OpenAPI schema, as each role's token.

Checks on every response: no server error, the body conforms to the documented schema, and the
status code is one the schema documents. Examples are bounded and derandomized so that the run
is repeatable and stays within a few minutes on SQLite.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_create
from leave_tracker.wsgi import application

from .conftest import ROLES, TEAM_ROLES

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
MAX_EXAMPLES = 8
COVERAGE_ROLES = set(os.environ.get("FUZZ_COVERAGE_ROLES", "admin").split(","))

# Requests sent, by (role, status); reported at the end of the run (tests/security/conftest.py).
SENT: Counter[tuple[str, int]] = Counter()


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """Schemathesis' pytest plugin reads `node._nodeid`, which pytest 9.2 no longer sets."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(params=ROLES + TEAM_ROLES)
def role(request) -> str:
    return request.param


def fuzz_config(role: str) -> schemathesis.Config:
    """Bounded and repeatable: a fixed seed, deterministic generation, explicit phases.

    Every role gets the examples and fuzzing phases (valid and invalid data). The coverage
    phase (boundary values and each way to break every parameter) runs once, as the
    administrator, who reaches every object; run for every role it would take ten minutes.
    """
    coverage = role in COVERAGE_ROLES
    return schemathesis.Config.from_dict(
        {
            "seed": 2119,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": coverage, "unexpected-methods": []},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


@pytest.fixture
def _keep_the_test_connection():
    """The app is called through WSGI, in the test's own transaction: like Django's test client,
    keep Django from closing the connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, role, _keep_the_test_connection):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, config=fuzz_config(role)
    )
    world.extra["role"] = role
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@schema.parametrize()
def test_api_holds_up_under_fuzzing(case, world, role):
    headers = world.http_headers(role)
    response = case.call(headers=headers)
    SENT[(role, response.status_code)] += 1
    if case.operation.path == "/api/v1/auth/logout/" and response.status_code == 204:
        # Logging out revoked this role's token: sign in again for the next requests.
        world.tokens[role] = token_create(user=world.users[role])[0]
    case.validate_response(response, checks=CHECKS, headers=headers)
