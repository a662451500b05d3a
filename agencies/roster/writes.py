"""Writing a planned import: bulk statements and the same ledger entries as the services."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from accounts.services import email_change_notify
from agencies import withdrawals
from agencies.models import Agency, Employee, Enrollment
from agencies.signals import supervisors_changed
from ledger import services as ledger
from ledger.models import LedgerEntry

from .columns import EMPLOYEE_FIELDS, USER_FIELDS, User
from .plan import ImportPlan
from .results import ImportResult

# --- Writing ------------------------------------------------------------------------------------


@contextmanager
def whole_statements():
    """Let each bulk write go out as one statement.

    Django assumes SQLite's historical limit of 999 parameters a statement and splits bulk
    writes into batches of a few dozen rows, so the query count would grow with the file.
    The SQLite library in use states its real limit (32,766 by default since 3.32, more in
    many builds); batching by that one keeps the count fixed for a roster-sized file.
    PostgreSQL is never split.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    features.max_query_params = max(limit, type(features).max_query_params)
    try:
        yield
    finally:
        del features.max_query_params


def write_plan(plan: ImportPlan, *, agency: Agency, by, result: ImportResult) -> None:
    User.objects.bulk_create(plan.new_users)
    Employee.objects.bulk_create(plan.new_employees)  # user_id comes from the saved users
    if plan.changed_users:
        User.objects.bulk_update(plan.changed_users, list(USER_FIELDS))
    if plan.changed_employees:
        Employee.objects.bulk_update(plan.changed_employees, [*EMPLOYEE_FIELDS, "supervisor"])
    Enrollment.objects.bulk_create(plan.new_enrollments)
    if plan.changed_enrollments:
        now = timezone.now()
        for enrollment in plan.changed_enrollments:
            enrollment.updated_at = now  # bulk_update does not touch auto_now fields
        Enrollment.objects.bulk_update(
            plan.changed_enrollments,
            [
                "organization",
                "commitment_starts_on",
                "commitment_ends_on",
                "status",
                "withdrawn_on",
                "updated_at",
            ],
        )
    entries = [
        ledger.build(
            kind=kind,
            subject=subject,
            agency_id=agency.pk,
            actor=by,
            employee_id=employee.pk,
            data=data,
        )
        for kind, subject, employee, data in plan.entries
    ]
    entries.append(
        ledger.build(
            kind=LedgerEntry.Kind.ROSTER_IMPORTED,
            subject=agency,
            agency_id=agency.pk,
            actor=by,
            data={
                "file": result.file_name[:200],
                "rows": result.rows,
                "employees_created": result.employees_created,
                "employees_updated": result.employees_updated,
                "enrollments_created": result.enrollments_created,
                "enrollments_updated": result.enrollments_updated,
            },
        )
    )
    LedgerEntry.objects.bulk_create(entries)
    # The same signal as a withdrawal through the service: pending requests it leaves without
    # an enrollment are cancelled in this transaction (one query when there are none).
    withdrawals.send_withdrawals(enrollments=plan.withdrawals, by=by)
    for kind, _subject, _employee, data in plan.entries:
        if kind == LedgerEntry.Kind.EMPLOYEE_UPDATED and "email" in data:
            old, new = data["email"]
            email_change_notify(old=old, new=new, by_owner=False)
    moved = [
        employee
        for kind, _subject, employee, data in plan.entries
        if kind == LedgerEntry.Kind.EMPLOYEE_UPDATED and "supervisor" in data
    ]
    if moved:
        # The requests waiting for the old supervisors follow the change (hours).
        supervisors_changed.send(sender=Employee, employees=moved, by=by)
