"""Every write to the roster: employees, pilots and enrollments, each with its ledger entry.

The API, the admin, the roster import and the demo seeder all come through here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from hours import ledger, policy
from hours.models import LedgerEntry
from hours.selectors import policy_params

from .models import Agency, Employee, Enrollment, MentoringOrganization, Pilot

User = get_user_model()


def _changes(instance, fields: dict) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields whose value differs, as text for the ledger."""
    changed = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [str(getattr(old, "pk", old)), str(getattr(value, "pk", value))]
    return changed


def _check_username_free(username: str, *, user_id: int | None = None) -> None:
    if User.objects.filter(username=username).exclude(pk=user_id).exists():
        raise ValidationError({"username": f"The username {username!r} is already taken."})


def employee_create(
    *,
    by,
    agency: Agency,
    employee_number: str,
    first_name: str,
    last_name: str,
    email: str,
    bargaining_unit: str,
    appointment: str,
    username: str = "",
) -> Employee:
    """Create the employee and their user account, with no usable password: the person sets
    one through the password-reset email."""
    username = username or employee_number
    with transaction.atomic():
        if Employee.objects.filter(employee_number=employee_number).exists():
            raise ValidationError(
                {"employee_number": f"Employee number {employee_number} is already on file."}
            )
        _check_username_free(username)
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_unusable_password()
        user.save()
        employee = Employee.objects.create(
            user=user,
            agency=agency,
            employee_number=employee_number,
            bargaining_unit=bargaining_unit,
            appointment=appointment,
        )
        ledger.record(
            kind=LedgerEntry.Kind.EMPLOYEE_CREATED,
            subject=employee,
            agency_id=agency.pk,
            actor=by,
            employee_id=employee.pk,
            data={
                "employee_number": employee_number,
                "bargaining_unit": bargaining_unit,
                "appointment": appointment,
            },
        )
    return employee


def employee_update(*, by, employee: Employee, **fields) -> Employee:
    """Change an employee's record; name and email live on their user account."""
    user_fields = {k: fields.pop(k) for k in ("first_name", "last_name", "email") if k in fields}
    with transaction.atomic():
        number = fields.get("employee_number")
        if (
            number
            and number != employee.employee_number
            and Employee.objects.filter(employee_number=number).exists()
        ):
            raise ValidationError(
                {"employee_number": f"Employee number {number} is already on file."}
            )
        changed = _changes(employee, fields) | _changes(employee.user, user_fields)
        if not changed:
            return employee
        for name, value in fields.items():
            setattr(employee, name, value)
        employee.save()
        if user_fields:
            for name, value in user_fields.items():
                setattr(employee.user, name, value)
            employee.user.save(update_fields=list(user_fields))
        ledger.record(
            kind=LedgerEntry.Kind.EMPLOYEE_UPDATED,
            subject=employee,
            agency_id=employee.agency_id,
            actor=by,
            employee_id=employee.pk,
            data=changed,
        )
    return employee


def _check_pilot_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "A pilot must end on or after the day it starts."})


def pilot_create(
    *, by, agency: Agency, name: str, starts_on: dt.date, ends_on: dt.date, status: str
) -> Pilot:
    _check_pilot_dates(starts_on, ends_on)
    with transaction.atomic():
        if Pilot.objects.filter(agency=agency, name=name).exists():
            raise ValidationError({"name": f"{agency.code} already has a pilot named {name!r}."})
        pilot = Pilot.objects.create(
            agency=agency, name=name, starts_on=starts_on, ends_on=ends_on, status=status
        )
        ledger.record(
            kind=LedgerEntry.Kind.PILOT_CREATED,
            subject=pilot,
            agency_id=agency.pk,
            actor=by,
            data={
                "name": name,
                "starts_on": str(starts_on),
                "ends_on": str(ends_on),
                "status": status,
            },
        )
    return pilot


def pilot_update(*, by, pilot: Pilot, **fields) -> Pilot:
    _check_pilot_dates(
        fields.get("starts_on", pilot.starts_on), fields.get("ends_on", pilot.ends_on)
    )
    with transaction.atomic():
        name = fields.get("name")
        if (
            name
            and Pilot.objects.filter(agency=pilot.agency, name=name).exclude(pk=pilot.pk).exists()
        ):
            raise ValidationError(
                {"name": f"{pilot.agency.code} already has a pilot named {name!r}."}
            )
        changed = _changes(pilot, fields)
        if not changed:
            return pilot
        for key, value in fields.items():
            setattr(pilot, key, value)
        pilot.save()
        ledger.record(
            kind=LedgerEntry.Kind.PILOT_UPDATED,
            subject=pilot,
            agency_id=pilot.agency_id,
            actor=by,
            data=changed,
        )
    return pilot


def check_enrollment(
    *,
    employee: Employee,
    pilot: Pilot,
    organization: MentoringOrganization,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
) -> None:
    """The roster rules of SPEC.md section 3 for one line: the pilot is the employee's agency's,
    the employee is eligible, the organization is qualified, the commitment lasts a school year."""
    policy.check_same_agency(employee_agency=employee.agency.code, pilot_agency=pilot.agency.code)
    policy.check_eligible(
        bargaining_unit=employee.bargaining_unit, appointment=employee.appointment
    )
    policy.check_organization_qualified(
        name=organization.name, meets_quality_standards=organization.meets_quality_standards
    )
    policy.check_commitment(
        starts_on=commitment_starts_on,
        ends_on=commitment_ends_on,
        params=policy_params(commitment_starts_on.year),
    )


def enrollment_create(
    *,
    by,
    employee: Employee,
    pilot: Pilot,
    organization: MentoringOrganization,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
    status: str = Enrollment.Status.ACTIVE,
) -> Enrollment:
    check_enrollment(
        employee=employee,
        pilot=pilot,
        organization=organization,
        commitment_starts_on=commitment_starts_on,
        commitment_ends_on=commitment_ends_on,
    )
    with transaction.atomic():
        if Enrollment.objects.filter(employee=employee, pilot=pilot).exists():
            raise ValidationError(
                {
                    "pilot": f"{employee.employee_number} is already on the {pilot.name} roster; "
                    "change that line instead."
                }
            )
        enrollment = Enrollment.objects.create(
            employee=employee,
            pilot=pilot,
            organization=organization,
            commitment_starts_on=commitment_starts_on,
            commitment_ends_on=commitment_ends_on,
            status=status,
        )
        ledger.record(
            kind=LedgerEntry.Kind.ENROLLMENT_CREATED,
            subject=enrollment,
            agency_id=employee.agency_id,
            actor=by,
            employee_id=employee.pk,
            data={
                "pilot": pilot.name,
                "organization": organization.name,
                "commitment_starts_on": str(commitment_starts_on),
                "commitment_ends_on": str(commitment_ends_on),
                "status": status,
            },
        )
    return enrollment


def enrollment_update(*, by, enrollment: Enrollment, **fields) -> Enrollment:
    merged = {
        name: fields.get(name, getattr(enrollment, name))
        for name in (
            "employee",
            "pilot",
            "organization",
            "commitment_starts_on",
            "commitment_ends_on",
        )
    }
    if fields.get("status", enrollment.status) == Enrollment.Status.ACTIVE:
        check_enrollment(**merged)
    with transaction.atomic():
        if (
            Enrollment.objects.filter(employee=merged["employee"], pilot=merged["pilot"])
            .exclude(pk=enrollment.pk)
            .exists()
        ):
            raise ValidationError({"pilot": "The employee is already on that pilot's roster."})
        changed = _changes(enrollment, fields)
        if not changed:
            return enrollment
        for name, value in fields.items():
            setattr(enrollment, name, value)
        enrollment.save()
        ledger.record(
            kind=LedgerEntry.Kind.ENROLLMENT_UPDATED,
            subject=enrollment,
            agency_id=enrollment.employee.agency_id,
            actor=by,
            employee_id=enrollment.employee_id,
            data=changed,
        )
    return enrollment
