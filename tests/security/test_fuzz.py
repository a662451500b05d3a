"""Fuzzing every API operation from the OpenAPI schema, as each role's token.

Every one of schemathesis' checks runs on every response (`--checks all`). Those that must
never fail (DEFECTS: a server error, a body or status the schema does not document, a missing
header, ...) fail the test; the others are tallied by check and operation (FOUND) and printed at
the end of the run, and docs/SECURITY.md says why each is not a defect (a business rule the
schema cannot state, for example). The stateful phase follows the links schemathesis infers
between operations, as every role. Examples are bounded and derandomized, so the run is
repeatable and stays within a few minutes.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.core.failures import Failure, FailureGroup

from accounts.services import token_create
from leave_tracker.wsgi import application

from .conftest import ROLES, TEAM_ROLES

MAX_EXAMPLES = 8
# Checks whose every failure is a defect of ours: these fail the test.
DEFECTS = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "missing_required_header",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
}
COVERAGE_ROLES = set(os.environ.get("FUZZ_COVERAGE_ROLES", "admin").split(","))

# Requests sent, by (role, status); reported at the end of the run (tests/security/conftest.py).
SENT: Counter[tuple[str, int]] = Counter()
# Failures of the other checks, by (check, role, operation); reported at the end of the run.
FOUND: Counter[tuple[str, str, str]] = Counter()
# Calls made by the stateful phase, by role.
STATEFUL: Counter[str] = Counter()


def validate(case, response, *, role: str, headers: dict, **kwargs) -> None:
    """Run every check; tally the failures of those that are not DEFECTS, fail on the rest."""
    try:
        case.validate_response(response, headers=headers, **kwargs)
    except FailureGroup as group:
        failures = list(group.exceptions)
    except Failure as failure:
        failures = [failure]
    else:
        return
    defects = []
    for failure in failures:
        checks = getattr(failure, "checks", ()) or ("custom",)
        for check in checks:
            if check in DEFECTS:
                defects.append(failure)
            else:
                FOUND[(check, role, case.operation.label)] += 1
    if defects:
        raise FailureGroup(defects)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """Schemathesis' pytest plugin reads `node._nodeid`, which pytest 9.2 no longer sets."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(params=ROLES + TEAM_ROLES)
def role(request) -> str:
    return request.param


def fuzz_config(role: str, *, stateful: bool = False) -> schemathesis.Config:
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
                # Enabled for the sequences test: it lets schemathesis infer the links between
                # operations from the schema (dependency analysis).
                "stateful": {"enabled": stateful},
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
    validate(case, response, role=role, headers=headers)


# --- The stateful phase: sequences of calls along the links between operations ---------------

STATEFUL_SCENARIOS = 10
STATEFUL_STEPS = 10


def test_api_holds_up_in_sequences_of_calls(world, role, _keep_the_test_connection):
    """Schemathesis infers links between the operations (an id a POST answers, used by a GET or
    an action on it) and runs bounded sequences along them as `role`, every check on every
    step: at most STATEFUL_SCENARIOS x STATEFUL_STEPS calls a role."""
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, config=fuzz_config(role, stateful=True)
    )
    Machine = schema.as_state_machine()

    class AsRole(Machine):
        def get_call_kwargs(self, case):
            return {"headers": world.http_headers(role)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            SENT[(role, response.status_code)] += 1
            STATEFUL[role] += 1
            if case.operation.path == "/api/v1/auth/logout/" and response.status_code == 204:
                world.tokens[role] = token_create(user=world.users[role])[0]
            validate(
                case,
                response,
                role=role,
                headers=kwargs.get("headers") or world.http_headers(role),
                recorder=getattr(self, "recorder", None),
            )

    AsRole.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )
    )
