"""Every route in the URL configuration, tried by every role on an object of our agency (DOT)
and on one of the other agency (DPH), against the status the table below expects.

SPEC.md section 2: outside a role's reach answers 404, an action the role never takes answers
403, and the API answers 401 (with WWW-Authenticate) to anonymous requests. A route that is not
in the table fails `test_every_route_is_in_the_matrix`, so a new endpoint cannot skip this.

Reading the table: each row is (route name, method) and gives, for the roles in ROLES order
(anonymous, employee, other_employee, coordinator, other_coordinator, workgroup, admin), either
one status (the same on both sides, or the route has no object) or a pair (on the DOT object,
on the DPH object). The employee, coordinator and their objects are DOT's; "other_" roles are
DPH's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounting.models import Batch
from accounts.models import hash_token
from agencies.models import Transfer
from agencies.serializers import (
    AgencySerializer,
    EmployeeSerializer,
    EnrollmentSerializer,
    MentoringOrganizationSerializer,
    PilotSerializer,
)
from confirmations.models import ConfirmationLink, VerificationContact

from ..factories import PASSWORD, AgencyFactory, EmployeeFactory, LeaveRequestFactory
from .conftest import ROLES, TEAM_ROLES

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
ADMIN_ROW = "admin:*"


def url_routes() -> set[tuple[str, str]]:
    """(route name, method) for every route; the Django admin is one row."""
    found: set[tuple[str, str]] = set()

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
                continue
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}{pattern.name or pattern.pattern}"
            if name.startswith("admin:"):
                found.add((ADMIN_ROW, "GET"))
                continue
            for method in methods_of(pattern.callback):
                found.add((name, method))

    walk(get_resolver().url_patterns)
    return found


def methods_of(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return [method.upper() for method in actions if method.upper() not in SKIPPED_METHODS]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ["GET"]
    return [
        method.upper()
        for method in view_class.http_method_names
        if hasattr(view_class, method) and method.upper() not in SKIPPED_METHODS
    ]


# --- How to reach each route ----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    expect: tuple  # one entry per role in ROLES order: a status, or (on DOT, on DPH)
    obj: str | None = None  # the Side attribute whose pk (or code) goes in the path
    body: Callable[[Any, str], dict] | None = None  # body(world, side name)
    path: str | None = None  # a fixed path, for routes without reverse()-able kwargs
    query: str = ""  # appended to the path: "?year={year}&agency={agency}"
    format: str = "json"  # how the body is sent: "json" or "multipart"
    session: bool = False  # sign in with a session instead of a token


def R(*expect, **kwargs) -> Row:
    assert len(expect) == len(ROLES), expect
    return Row(expect=expect, **kwargs)


def credentials(world, side):
    return {"username": "dot.employee", "password": PASSWORD}


FORGED_RESET_LINK = "/accounts/reset/MQ/set-password/"


def reset_email(world, side):
    return {"email": "dot.employee@example.ca.gov"}


FORGED_EMAIL_LINK = "/accounts/email/forged-link/"
SOMEONE_ELSES_TOKEN = "/accounts/tokens/987654/revoke/"


def new_email(world, side):
    return {"email": "moving.desk@example.ca.gov"}


def new_token(world, side):
    return {"name": "report script", "days": "30"}


def new_agency(world, side):
    return {"code": "NEWAG", "name": "New Agency", "headcount": 10}


def new_organization(world, side):
    return {"name": "A New Mentoring Organization", "meets_quality_standards": True}


def new_pilot(world, side):
    year = world.year
    return {
        "agency": world.side(side).agency.code,
        "name": "Second pilot",
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "status": "active",
    }


def new_employee(world, side):
    return {
        "agency": world.side(side).agency.code,
        "first_name": "Ana",
        "last_name": "Reyes",
        "email": "ana.reyes@example.ca.gov",
        "employee_number": f"9{side}77",
        "bargaining_unit": "1",
        "appointment": "permanent",
    }


def new_enrollment(world, side):
    s = world.side(side)
    return {
        "employee": world.extra[f"unenrolled_{side}"].pk,
        "pilot": s.pilot.pk,
        "organization": s.enrollment.organization_id,
        "commitment_starts_on": f"{world.year}-01-01",
        "commitment_ends_on": f"{world.year}-12-31",
        "status": "active",
    }


def new_hours(world, side):
    return {
        "date": world.extra["today"].isoformat(),
        "hours": "1.00",
        "source": "non_working_time",
        "organization": world.dot.enrollment.organization_id,
    }


def new_leave(world, side):
    return {
        "date": f"{world.year}-12-28",
        "hours": "1.00",
        "organization": world.dot.enrollment.organization_id,
    }


def whole(serializer_class, attr):
    """A PUT body: the object as the API shows it."""

    def body(world, side):
        return dict(serializer_class(getattr(world.side(side), attr)).data)

    return body


def patch(**fields):
    return lambda world, side: dict(fields)


def verification(world, side):
    return {
        "verified_by_name": "Program Office",
        "verified_on": world.extra["today"].isoformat(),
        "reason": "A phone call",
    }


def reason(world, side):
    return {"reason": "Operational needs this week."}


def roster_file(world, side):
    s = world.side(side)
    header = "employee_number,first_name,last_name,email,bargaining_unit,appointment,pilot,"
    header += "organization,commitment_starts_on,commitment_ends_on\n"
    line = f"77{side}01,Ana,Reyes,ana@example.ca.gov,1,permanent,{s.pilot.name},"
    line += f"{s.enrollment.organization.name},{world.year}-01-01,{world.year}-12-31\n"
    content = (header + line).encode()
    return {"file": SimpleUploadedFile("roster.csv", content, content_type="text/csv")}


def prefixed(prefix, body):
    """A web form's fields, named with the form's prefix ("{pk}" is the object's pk)."""

    def make(world, side):
        pk = world.side(side).logged.pk
        return {f"{prefix.format(pk=pk)}-{k}": v for k, v in body(world, side).items()}

    return make


def new_contact(world, side):
    return {
        "organization": world.side(side).organization.pk,
        "name": "Ana Ruiz",
        "email": f"ana.{side}@example.org",
    }


def link_token(world, side):
    return {"token": world.extra[f"token_{side}"]}


def link_answer(world, side):
    pk = world.side(side).logged.pk
    return {
        "token": world.extra[f"token_{side}"],
        "typed_name": "Ana Ruiz",
        f"decision-{pk}": "dispute",
        f"words-{pk}": "Not one of ours.",
    }


def bulk_verification(world, side):
    return {
        "ids": [world.side(side).logged.pk],
        **{f"bulk-verify-{k}": v for k, v in verification(world, side).items()},
    }


def new_delegation(world, side):
    return {
        "agency": world.side(side).agency.code,
        "delegate": world.side(side).employee.user_id,
        "starts_on": world.extra["today"].isoformat(),
        "ends_on": world.extra["today"].isoformat(),
    }


def new_transfer(world, side):
    return {
        # Not the employee of the world's own proposed transfer (which takes effect today): a
        # transfer is done on or after the day it takes effect, and one a day per employee.
        "employee": world.extra[f"unenrolled_{side}"].pk,
        "to_agency": world.side("dph" if side == "dot" else "dot").agency.code,
        "effective_on": world.extra["today"].isoformat(),
    }


def web_transfer(world, side):
    """The transfers page's form: new_transfer's move, the employee named by number."""
    return {
        "transfer-employee_number": world.extra[f"unenrolled_{side}"].employee_number,
        "transfer-to_agency": world.side("dph" if side == "dot" else "dot").agency.code,
        "transfer-effective_on": world.extra["today"].isoformat(),
    }


def bulk(world, side):
    return {"ids": [world.side(side).pending.pk]}


def this_month(world, side):
    return {"period": f"{world.extra['today']:%Y-%m}"}


def send_form(world, side):
    return {**this_month(world, side), "agency": world.side(side).agency.code, "confirm": "yes"}


LEAVE_ACCOUNTING = "/api/v1/reports/leave-accounting/"
# Leave accounting: coordinators of the agency and admins read and send; the workgroup reads.
ACCOUNTING_READ = (401, 403, 403, (200, 404), (404, 200), 200, 200)


ALL_200 = R(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = R(401, 200, 200, 200, 200, 200, 200)
SIGNED_IN_READ_OWN = R(401, (200, 404), (404, 200), (200, 404), (404, 200), 200, 200)
ADMIN_ONLY = R(401, 403, 403, 403, 403, 403, 200)
# A coordinator changes their own agency's roster; employees and the workgroup never do.
COORDINATOR_OWN = R(401, 403, 403, (200, 404), (404, 200), 403, 200)
# A coordinator decides on their own agency's entries; the owner and the workgroup never do.
DECIDE_OWN = R(401, (403, 404), (404, 403), (200, 404), (404, 200), 403, 200)
# Only a person with an employee profile logs hours or requests leave, and only their own.
OWN_ENTRY = R(401, 201, 201, 201, 403, 403, 403)
ADD_TO_OWN_AGENCY = R(401, 403, 403, (201, 400), (400, 201), 403, 201)

MATRIX: dict[tuple[str, str], Row] = {
    ("healthz", "GET"): ALL_200,
    ("schema", "GET"): ALL_200,
    ("docs", "GET"): ALL_200,
    ("api-root", "GET"): SIGNED_IN_200,
    # Anonymous sends a wrong password (400); each role sends its own credentials... of the
    # DOT employee: the endpoint takes no token, so every caller gets the same answer.
    ("auth-token", "POST"): R(200, 200, 200, 200, 200, 200, 200, body=credentials),
    ("auth-logout", "POST"): R(401, 204, 204, 204, 204, 204, 204),
    ("me", "GET"): SIGNED_IN_200,
    # Everyone signed in changes their own name (me/ has no id: nobody else's).
    ("me", "PATCH"): R(401, 200, 200, 200, 200, 200, 200, body=patch(last_name="Reyes")),
    ("rest_framework:login", "GET"): ALL_200,
    ("rest_framework:login", "POST"): ALL_200,
    ("rest_framework:login", "PUT"): ALL_200,
    ("rest_framework:logout", "POST"): ALL_200,
    (ADMIN_ROW, "GET"): R(302, 302, 302, 302, 302, 302, 200, path="/admin/", session=True),
    # Reference data: everybody signed in reads it, administrators change it, nobody deletes.
    ("agency-list", "GET"): SIGNED_IN_200,
    ("agency-list", "POST"): R(401, 403, 403, 403, 403, 403, 201, body=new_agency),
    ("agency-detail", "GET"): R(401, 200, 200, 200, 200, 200, 200, obj="agency"),
    ("agency-detail", "PUT"): R(
        *ADMIN_ONLY.expect, obj="agency", body=whole(AgencySerializer, "agency")
    ),
    ("agency-detail", "PATCH"): R(*ADMIN_ONLY.expect, obj="agency", body=patch(headcount=5)),
    ("agency-detail", "DELETE"): R(401, 403, 403, 403, 403, 403, 405, obj="agency"),
    ("organization-list", "GET"): SIGNED_IN_200,
    ("organization-list", "POST"): R(401, 403, 403, 403, 403, 403, 201, body=new_organization),
    ("organization-detail", "GET"): R(401, 200, 200, 200, 200, 200, 200, obj="organization"),
    ("organization-detail", "PUT"): R(
        *ADMIN_ONLY.expect,
        obj="organization",
        body=whole(MentoringOrganizationSerializer, "organization"),
    ),
    ("organization-detail", "PATCH"): R(
        *ADMIN_ONLY.expect, obj="organization", body=patch(contact_name="Office")
    ),
    ("organization-detail", "DELETE"): R(401, 403, 403, 403, 403, 403, 405, obj="organization"),
    # The roster.
    ("pilot-list", "GET"): SIGNED_IN_200,
    ("pilot-list", "POST"): R(*ADD_TO_OWN_AGENCY.expect, body=new_pilot),
    ("pilot-detail", "GET"): R(*SIGNED_IN_READ_OWN.expect, obj="pilot"),
    ("pilot-detail", "PUT"): R(
        *COORDINATOR_OWN.expect, obj="pilot", body=whole(PilotSerializer, "pilot")
    ),
    ("pilot-detail", "PATCH"): R(*COORDINATOR_OWN.expect, obj="pilot", body=patch(name="Renamed")),
    ("employee-list", "GET"): SIGNED_IN_200,
    ("employee-list", "POST"): R(*ADD_TO_OWN_AGENCY.expect, body=new_employee),
    ("employee-detail", "GET"): R(*SIGNED_IN_READ_OWN.expect, obj="employee"),
    ("employee-detail", "PUT"): R(
        *COORDINATOR_OWN.expect, obj="employee", body=whole(EmployeeSerializer, "employee")
    ),
    ("employee-detail", "PATCH"): R(
        *COORDINATOR_OWN.expect, obj="employee", body=patch(bargaining_unit="2")
    ),
    ("enrollment-list", "GET"): SIGNED_IN_200,
    ("enrollment-list", "POST"): R(*ADD_TO_OWN_AGENCY.expect, body=new_enrollment),
    ("enrollment-detail", "GET"): R(*SIGNED_IN_READ_OWN.expect, obj="enrollment"),
    ("enrollment-detail", "PUT"): R(
        *COORDINATOR_OWN.expect, obj="enrollment", body=whole(EnrollmentSerializer, "enrollment")
    ),
    ("enrollment-detail", "PATCH"): R(
        *COORDINATOR_OWN.expect, obj="enrollment", body=patch(status="withdrawn")
    ),
    # Hours and leave.
    ("personal-hours-list", "GET"): SIGNED_IN_200,
    ("personal-hours-list", "POST"): R(*OWN_ENTRY.expect, body=new_hours),
    ("personal-hours-detail", "GET"): R(*SIGNED_IN_READ_OWN.expect, obj="logged"),
    ("personal-hours-verify", "POST"): R(*DECIDE_OWN.expect, obj="logged", body=verification),
    ("personal-hours-reject", "POST"): R(*DECIDE_OWN.expect, obj="logged", body=reason),
    ("leave-request-list", "GET"): SIGNED_IN_200,
    # The coordinator may ask too, but has no verified personal hours: 400 match_required.
    ("leave-request-list", "POST"): R(401, 201, 201, 400, 403, 403, 403, body=new_leave),
    ("leave-request-detail", "GET"): R(*SIGNED_IN_READ_OWN.expect, obj="pending"),
    ("leave-request-approve", "POST"): R(*DECIDE_OWN.expect, obj="pending", body=patch()),
    ("leave-request-deny", "POST"): R(*DECIDE_OWN.expect, obj="pending", body=reason),
    ("leave-request-reverse", "POST"): R(*DECIDE_OWN.expect, obj="approved", body=reason),
    # Only the employee who made a request cancels it.
    ("leave-request-cancel", "POST"): R(
        401, (200, 404), (404, 200), (403, 404), (404, 403), 403, 403, obj="pending", body=patch()
    ),
    # Outside reach, ids are reported as not found inside a 200 (asserted in the property tests).
    ("leave-request-bulk-approve", "POST"): R(401, 403, 403, 200, 200, 403, 200, body=bulk),
    # The approval chain: an agency's coordinator (or an administrator) chooses it.
    ("agency-approval-chain", "POST"): R(
        401,
        403,
        403,
        (200, 403),
        (403, 200),
        403,
        200,
        obj="agency",
        body=patch(approval_chain="supervisor_then_coordinator"),
    ),
    # Delegations: everyone reads those they gave or hold, a coordinator the agency's. A
    # coordinator names a delegate in their agency; an employee supervising nobody names none.
    ("delegation-list", "GET"): SIGNED_IN_200,
    ("delegation-list", "POST"): R(
        401, 403, 403, (201, 403), (403, 201), 403, 201, body=new_delegation
    ),
    ("delegation-detail", "GET"): R(
        401, 404, 404, (200, 404), (404, 200), 200, 200, obj="delegation"
    ),
    ("delegation-end", "POST"): R(
        401, 404, 404, (200, 404), (404, 200), 403, 200, obj="delegation", body=patch()
    ),
    # Transfers: the sending agency's coordinator starts one, the receiving one accepts it,
    # either cancels it; the employee reads their own. DOT's goes to DPH, DPH's to DHCS.
    ("transfer-list", "GET"): SIGNED_IN_200,
    ("transfer-list", "POST"): R(
        401, 403, 403, (201, 400), (400, 201), 403, 201, body=new_transfer
    ),
    ("transfer-detail", "GET"): R(
        401, (200, 404), (404, 200), (200, 404), 200, 200, 200, obj="transfer"
    ),
    ("transfer-accept", "POST"): R(
        401, (403, 404), (404, 403), (403, 404), (200, 403), 403, 200, obj="transfer", body=patch()
    ),
    ("transfer-cancel", "POST"): R(
        401, (403, 404), (404, 403), (200, 404), 200, 403, 200, obj="transfer", body=patch()
    ),
    ("balance-list", "GET"): SIGNED_IN_200,
    ("balance-me", "GET"): R(401, 200, 200, 200, 403, 403, 403),
    ("ledger-list", "GET"): SIGNED_IN_200,
    ("ledger-detail", "GET"): R(*SIGNED_IN_READ_OWN.expect, obj="ledger_entry"),
    # Workbooks: coordinators their own agency's, the workgroup and admins every one.
    ("report-agency-workbook", "GET"): R(
        401, 403, 403, (200, 404), (404, 200), 200, 200, obj="agency", query="?year={year}"
    ),
    ("report-adoption-workbook", "GET"): R(401, 403, 403, 403, 403, 200, 200, query="?year={year}"),
    # Roster files: coordinators import their own agency's; readers export what they reach.
    # Agencies are public reference data, so naming another agency is a forbidden action (403).
    ("enrollment-import", "POST"): R(
        401,
        403,
        403,
        (200, 404),
        (404, 200),
        403,
        200,
        query="?agency={agency}",
        body=roster_file,
        format="multipart",
    ),
    ("enrollment-export", "GET"): R(
        401, 403, 403, (200, 404), (404, 200), 200, 200, query="?agency={agency}"
    ),
    ("enrollment-template", "GET"): R(401, 403, 403, 200, 200, 200, 200),
    ("report-leave-accounting", "GET"): R(
        *ACCOUNTING_READ, path=LEAVE_ACCOUNTING, query="{agency}/?period={year}-01&format=json"
    ),
    ("report-leave-accounting-send", "POST"): R(
        401,
        403,
        403,
        (201, 404),
        (404, 201),
        403,
        201,
        path=LEAVE_ACCOUNTING,
        query="{agency}/send/",
        body=this_month,
    ),
    ("report-leave-accounting-batches", "GET"): R(
        *ACCOUNTING_READ, path=LEAVE_ACCOUNTING, query="{agency}/batches/"
    ),
    ("report-leave-accounting-batch", "GET"): R(
        *ACCOUNTING_READ, path=LEAVE_ACCOUNTING, query="{agency}/batches/1/?format=json"
    ),
    ("balance-me-leave-accounting", "GET"): R(401, 200, 200, 200, 403, 403, 403),
    # Web pages (session sign-in). Signed out, every page sends to the login page (302); the
    # pages that change something take POST only, so a GET answers 405 to everybody.
    ("web:login", "GET"): R(200, 302, 302, 302, 302, 302, 302, session=True),
    ("web:login", "POST"): R(200, 302, 302, 302, 302, 302, 302, session=True),
    ("web:login", "PUT"): R(200, 302, 302, 302, 302, 302, 302, session=True),
    ("web:logout", "POST"): R(302, 302, 302, 302, 302, 302, 302, session=True),
    # Setting a password from an emailed link: open to everyone, and the same answer whether or
    # not the email matches an account (no account enumeration).
    ("web:password-reset", "GET"): R(*[200] * 7, session=True),
    ("web:password-reset", "POST"): R(
        *[302] * 7, body=reset_email, format="multipart", session=True
    ),
    ("web:password-reset", "PUT"): R(*[200] * 7, session=True),
    ("web:password-reset-done", "GET"): R(*[200] * 7, session=True),
    ("web:password-reset-confirm", "GET"): R(*[200] * 7, path=FORGED_RESET_LINK, session=True),
    ("web:password-reset-confirm", "POST"): R(*[200] * 7, path=FORGED_RESET_LINK, session=True),
    ("web:password-reset-confirm", "PUT"): R(*[200] * 7, path=FORGED_RESET_LINK, session=True),
    ("web:password-reset-complete", "GET"): R(*[200] * 7, session=True),
    # Home sends each person to their own page, or shows the choice to those with several.
    # A coordinator with something waiting (this world has) lands on the queue.
    ("web:home", "GET"): R(302, 302, 302, 302, 302, 302, 200, session=True),
    ("web:my-year", "GET"): R(302, 200, 200, 200, 403, 403, 403, session=True),
    ("web:queue", "GET"): R(302, 403, 403, 200, 200, 403, 200, session=True),
    ("web:roster", "GET"): R(302, 403, 403, 200, 200, 403, 200, session=True),
    # Transfers: coordinators and administrators; the web page asks the role before the object.
    ("web:transfers", "GET"): R(302, 403, 403, 200, 200, 403, 200, session=True),
    ("web:transfers", "POST"): R(
        302,
        403,
        403,
        (302, 400),
        (400, 302),
        403,
        302,
        body=web_transfer,
        format="multipart",
        session=True,
    ),
    ("web:transfer-accept", "GET"): R(*[405] * 7, obj="transfer", session=True),
    ("web:transfer-accept", "POST"): R(
        302,
        403,
        403,
        (403, 404),
        (302, 403),
        403,
        302,
        obj="transfer",
        body=patch(),
        format="multipart",
        session=True,
    ),
    ("web:transfer-cancel", "GET"): R(*[405] * 7, obj="transfer", session=True),
    ("web:transfer-cancel", "POST"): R(
        302,
        403,
        403,
        (302, 404),
        302,
        403,
        302,
        obj="transfer",
        body=patch(),
        format="multipart",
        session=True,
    ),
    ("web:adoption", "GET"): R(302, 403, 403, 403, 403, 200, 200, session=True),
    ("web:leave-accounting", "GET"): R(
        302, 403, 403, (200, 404), (404, 200), 200, 200, query="?agency={agency}", session=True
    ),
    ("web:leave-accounting-send", "GET"): R(*[405] * 7, session=True),
    ("web:leave-accounting-send", "POST"): R(
        302,
        403,
        403,
        (302, 404),
        (404, 302),
        403,
        302,
        body=send_form,
        format="multipart",
        session=True,
    ),
    # "Waiting for you": only for someone with people reporting to them (or standing in).
    ("web:waiting", "GET"): R(302, 403, 403, 403, 403, 403, 403, session=True),
    ("web:supervisor-approve", "GET"): R(*[405] * 7, obj="pending", session=True),
    ("web:supervisor-deny", "GET"): R(*[405] * 7, obj="pending", session=True),
    # The DOT request is with the coordinator (DOT decides alone): out of the supervisor's step.
    ("web:supervisor-approve", "POST"): R(
        302, 404, 404, 404, 404, 404, 404, obj="pending", body=patch(), session=True
    ),
    ("web:supervisor-deny", "POST"): R(
        302, 404, 404, 404, 404, 404, 404, obj="pending", body=reason, session=True
    ),
    ("web:personal-hours-log", "GET"): R(*[405] * 7, session=True),
    # The name and email form of "My mentoring year": its own page's people, for themselves.
    ("web:profile-update", "GET"): R(*[405] * 7, session=True),
    ("web:profile-update", "POST"): R(
        302,
        302,
        302,
        302,
        403,
        403,
        403,
        body=patch(**{"profile-first_name": "Ana", "profile-last_name": "Reyes"}),
        format="multipart",
        session=True,
    ),
    ("web:leave-request-create", "GET"): R(*[405] * 7, session=True),
    ("web:leave-request-cancel", "GET"): R(*[405] * 7, obj="pending", session=True),
    ("web:request-approve", "GET"): R(*[405] * 7, obj="pending", session=True),
    ("web:request-deny", "GET"): R(*[405] * 7, obj="pending", session=True),
    ("web:hours-verify", "GET"): R(*[405] * 7, obj="logged", session=True),
    ("web:hours-reject", "GET"): R(*[405] * 7, obj="logged", session=True),
    ("web:bulk-approve", "GET"): R(*[405] * 7, session=True),
    # Each person's own email choices: every signed-in person, for themselves only.
    ("web:email-preferences", "GET"): R(302, *[200] * 6, session=True),
    ("web:email-preferences", "POST"): R(
        *[302] * 7, body=patch(reminders="on"), format="multipart", session=True
    ),
    # ... and the POSTs that change something (a done action redirects back: 302).
    ("web:personal-hours-log", "POST"): R(
        302,
        302,
        302,
        302,
        403,
        403,
        403,
        body=prefixed("hours", new_hours),
        format="multipart",
        session=True,
    ),
    ("web:leave-request-cancel", "POST"): R(
        302,
        (302, 404),
        (404, 302),
        (403, 404),
        (404, 403),
        403,
        403,
        obj="pending",
        body=patch(),
        format="multipart",
        session=True,
    ),
    ("web:request-approve", "POST"): R(
        302,
        (403, 404),
        (404, 403),
        (302, 404),
        (404, 302),
        403,
        302,
        obj="pending",
        body=patch(),
        format="multipart",
        session=True,
    ),
    # Organizations' confirmations. Contacts: program staff read them, administrators and
    # coordinators keep them (an organization serves every agency), nobody deletes one.
    ("verification-contact-list", "GET"): R(401, 403, 403, 200, 200, 200, 200),
    ("verification-contact-list", "POST"): R(401, 403, 403, 201, 201, 403, 201, body=new_contact),
    ("verification-contact-detail", "GET"): R(401, 403, 403, 200, 200, 200, 200, obj="contact"),
    ("verification-contact-detail", "PUT"): R(
        401, 403, 403, 200, 200, 403, 200, obj="contact", body=new_contact
    ),
    ("verification-contact-detail", "PATCH"): R(
        401, 403, 403, 200, 200, 403, 200, obj="contact", body=patch(active=False)
    ),
    # Links: the coordinators of the agencies a link lists read and withdraw it.
    ("confirmation-link-list", "GET"): R(401, 403, 403, 200, 200, 200, 200),
    ("confirmation-link-detail", "GET"): R(
        401, 403, 403, (200, 404), (404, 200), 200, 200, obj="link"
    ),
    ("confirmation-link-revoke", "POST"): R(
        401, 403, 403, (200, 404), (404, 200), 403, 200, obj="link", body=patch()
    ),
    # The contact's page: anyone, no account; only a valid token opens entries (an altered,
    # expired or revoked one answers 404 or 410: tests/confirmations/test_link_page.py).
    ("confirmations:open", "GET"): R(*[200] * 7, session=True),
    ("confirmations:open", "POST"): R(
        *[200] * 7, body=link_token, format="multipart", session=True
    ),
    ("confirmations:respond", "GET"): R(*[405] * 7, session=True),
    ("confirmations:respond", "POST"): R(
        *[200] * 7, body=link_answer, format="multipart", session=True
    ),
    ("web:hours-bulk-verify", "GET"): R(*[405] * 7, session=True),
    # Outside reach, ids are reported as not found inside a 200, as for bulk approval.
    ("web:hours-bulk-verify", "POST"): R(
        302, 403, 403, 200, 200, 403, 200, body=bulk_verification, format="multipart", session=True
    ),
    ("web:send-confirmation-requests", "GET"): R(*[405] * 7, session=True),
    ("web:send-confirmation-requests", "POST"): R(
        302, 403, 403, 302, 302, 403, 302, body=patch(), format="multipart", session=True
    ),
    ("web:hours-verify", "POST"): R(
        302,
        (403, 404),
        (404, 403),
        (302, 404),
        (404, 302),
        403,
        302,
        obj="logged",
        body=prefixed("verify-{pk}", verification),
        format="multipart",
        session=True,
    ),
    # One's own account: every signed-in person has one; signed out, the sign-in page.
    ("web:account", "GET"): R(302, 200, 200, 200, 200, 200, 200, session=True),
    ("web:account", "POST"): R(*[302] * 7, body=new_email, format="multipart", session=True),
    ("web:email-confirm", "GET"): R(
        302, 200, 200, 200, 200, 200, 200, path=FORGED_EMAIL_LINK, session=True
    ),
    ("web:email-confirm", "POST"): R(
        302, 400, 400, 400, 400, 400, 400, path=FORGED_EMAIL_LINK, session=True
    ),
    ("web:tokens", "GET"): R(302, 200, 200, 200, 200, 200, 200, session=True),
    ("web:tokens", "POST"): R(
        302, 200, 200, 200, 200, 200, 200, body=new_token, format="multipart", session=True
    ),
    # Revoking takes POST only; a token that is not one's own is not found.
    ("web:token-revoke", "GET"): R(
        302, 405, 405, 405, 405, 405, 405, path=SOMEONE_ELSES_TOKEN, session=True
    ),
    ("web:token-revoke", "POST"): R(
        302, 404, 404, 404, 404, 404, 404, path=SOMEONE_ELSES_TOKEN, session=True
    ),
    # An administrator's second factor (needed only with LOCAL_PASSWORDS=0); nobody else's.
    ("web:two-factor", "GET"): R(302, 404, 404, 404, 404, 404, 200, session=True),
    # Sign-in through the agency's provider: off unless configured (tests/identity has it on).
    ("web:oidc-authenticate", "GET"): R(*[404] * 7, session=True),
    ("web:oidc-callback", "GET"): R(*[404] * 7, session=True),
}


# The supervisor (of the DOT employee) and their delegate for today answer as an employee does
# on an object that is not theirs (the first column of DPH's side for `employee`), except here:
# (supervisor, delegate), each a status or (on DOT, on DPH).
TEAM: dict[tuple[str, str], tuple] = {
    # Neither is on a pilot roster: not_enrolled.
    ("personal-hours-list", "POST"): (400, 400),
    ("leave-request-list", "POST"): (400, 400),
    ("web:personal-hours-log", "POST"): (400, 400),
    # Colleagues in DOT read DOT's pilots.
    ("pilot-detail", "GET"): ((200, 404), (200, 404)),
    # The DOT employee's requests are their team's. DOT decides with the coordinator alone, so
    # a request is already past the supervisor's step (409); only its employee cancels it, and
    # only a coordinator reverses.
    ("leave-request-detail", "GET"): ((200, 404), (200, 404)),
    ("leave-request-approve", "POST"): ((409, 404), (409, 404)),
    ("leave-request-deny", "POST"): ((409, 404), (409, 404)),
    ("leave-request-cancel", "POST"): ((403, 404), (403, 404)),
    ("leave-request-reverse", "POST"): ((403, 404), (403, 404)),
    ("leave-request-bulk-approve", "POST"): (200, 200),
    # The supervisor's delegation to the delegate: both read it, the supervisor ends it. The
    # supervisor already has one running today (a second overlaps: 400).
    ("delegation-detail", "GET"): ((200, 404), (200, 404)),
    ("delegation-end", "POST"): ((200, 404), (403, 404)),
    ("delegation-list", "POST"): ((400, 403), 403),
    ("web:home", "GET"): (302, 302),
    ("web:waiting", "GET"): (200, 200),
    ("web:supervisor-approve", "POST"): (404, 404),
    ("web:supervisor-deny", "POST"): (404, 404),
}


def team_expect(name: str, method: str) -> tuple:
    row = MATRIX[(name, method)]
    if (name, method) in TEAM:
        return TEAM[(name, method)]
    employee = row.expect[ROLES.index("employee")]
    on_dph = employee[1] if isinstance(employee, tuple) else employee
    return (on_dph, on_dph)


# --- The tests ------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(db):
    routes = url_routes()
    missing = sorted(routes - set(MATRIX))
    names = {name for name, _ in routes}
    stale = sorted(key for key in MATRIX if key[0] not in names)
    assert not missing, f"Routes with no row in the authorization matrix: {missing}"
    assert not stale, f"Rows for routes that no longer exist: {stale}"


def _client(world, role: str, row: Row) -> APIClient:
    client = APIClient()
    if role == "anonymous":
        return client
    if row.session:
        client.force_login(world.users[role])
    else:
        client.credentials(**world.headers(role))
    return client


def _path(world, name: str, row: Row, side: str) -> str:
    query = row.query.format(year=world.year, agency=world.side(side).agency.code)
    if row.path:
        return row.path + query
    if row.obj is None:
        return reverse(name) + query
    obj = getattr(world.side(side), row.obj)
    kwargs = {"code": obj.code} if row.obj == "agency" else {"pk": obj.pk}
    return reverse(name, kwargs=kwargs) + query


def _call(world, name: str, method: str, row: Row, role: str, side: str) -> int:
    """The status of one request, with everything it wrote rolled back afterwards."""
    cache.clear()  # the token endpoint's throttle is tested on its own
    client = _client(world, role, row)
    body = row.body(world, side) if row.body else None
    with transaction.atomic():
        response = getattr(client, method.lower())(
            _path(world, name, row, side), body, format=row.format
        )
        transaction.set_rollback(True)
    if response.status_code == 401:
        assert response.has_header("WWW-Authenticate"), (name, method, role)
    return response.status_code


def from_now(*, days: int):
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def matrix_world(world, today):
    world.extra["today"] = today
    world.extra["unenrolled_dot"] = EmployeeFactory(agency=world.dot.agency)
    world.extra["unenrolled_dph"] = EmployeeFactory(agency=world.dph.agency)
    # Leave accounting: batch 1 sent for last month, and leave approved today to send.
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for side in (world.dot, world.dph):
        Batch.objects.create(
            agency=side.agency,
            number=1,
            period=last_month,
            leave_type="Mentoring leave",
            sent_at=timezone.now(),
        )
        LeaveRequestFactory(
            employee=side.employee, date=today, status="approved", hours=Decimal("1")
        )
    # A proposed transfer of each side's employee: DOT's to DPH, DPH's to an agency of neither.
    dhcs = AgencyFactory(code="DHCS")
    for side, to in ((world.dot, world.dph.agency), (world.dph, dhcs)):
        side.transfer = Transfer.objects.create(
            employee=side.employee,
            from_agency=side.agency,
            to_agency=to,
            effective_on=today,
            started_by=world.users["admin"],
        )
    for side_name in ("dot", "dph"):
        side = world.side(side_name)
        side.contact = VerificationContact.objects.create(
            organization=side.logged.organization,
            name=f"Contact {side_name}",
            email=f"contact.{side_name}@example.org",
        )
        token = ConfirmationLink.new_token()
        side.link = ConfirmationLink.objects.create(
            contact=side.contact,
            digest=hash_token(token),
            prefix=token[:8],
            expires_at=from_now(days=14),
        )
        side.link.entries.set([side.logged])
        world.extra[f"token_{side_name}"] = token
    return world


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX), ids=lambda v: v)
def test_route_answers_each_role_as_the_matrix_says(matrix_world, name, method):
    row = MATRIX[(name, method)]
    wrong = []
    for role, expected in zip(ROLES, row.expect, strict=True):
        pairs = expected if isinstance(expected, tuple) else (expected, expected)
        for side, want in zip(("dot", "dph"), pairs, strict=True):
            got = _call(matrix_world, name, method, row, role, side)
            if got != want:
                wrong.append(f"{role} on {side}: expected {want}, got {got}")
    assert not wrong, f"{method} {name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX), ids=lambda v: v)
def test_route_answers_supervisor_and_delegate_as_the_matrix_says(matrix_world, name, method):
    row = MATRIX[(name, method)]
    wrong = []
    for role, expected in zip(TEAM_ROLES, team_expect(name, method), strict=True):
        pairs = expected if isinstance(expected, tuple) else (expected, expected)
        for side, want in zip(("dot", "dph"), pairs, strict=True):
            got = _call(matrix_world, name, method, row, role, side)
            if got != want:
                wrong.append(f"{role} on {side}: expected {want}, got {got}")
    assert not wrong, f"{method} {name}:\n" + "\n".join(wrong)


def matrix_size() -> tuple[int, int]:
    """(rows, role x object cells) covered by the table."""
    cells = sum(
        sum(2 if isinstance(e, tuple) or row.obj or row.body else 1 for e in row.expect)
        for row in MATRIX.values()
    )
    return len(MATRIX), cells
