"""Every write to the roster: employees, pilots and enrollments, each with its ledger entry.

The API, the admin, the roster import and the demo seeder all come through here.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from accounts.services import email_change_notify
from ledger import services as ledger
from ledger.models import LedgerEntry
from policy import rules
from policy.errors import NotAllowed
from policy.selectors import policy_params
from policy.text import validate_single_line

from .approvals import check_supervisor
from .models import Agency, Employee, Enrollment, MentoringOrganization, Pilot
from .roles import roles_of
from .signals import supervisors_changed
from .withdrawals import roster_line_withdrawn_on, send_withdrawals, withdrawal_takes_days

User = get_user_model()


def field_changes(instance, fields: dict) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields whose value differs, as text for the ledger."""
    changed = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [_as_text(old), _as_text(value)]
    return changed


def _as_text(value) -> str:
    """A value as the ledger shows it to a person: an organization or a pilot by its name."""
    if isinstance(value, models.Model):
        return str(getattr(value, "name", value.pk))
    return str(value)


def employee_created_data(
    *, employee_number: str, bargaining_unit: str, appointment: str
) -> dict[str, str]:
    """The ledger data of employee.created (shared with the roster import's bulk path)."""
    return {
        "employee_number": employee_number,
        "bargaining_unit": bargaining_unit,
        "appointment": appointment,
    }


def enrollment_created_data(
    *,
    pilot: Pilot,
    organization: MentoringOrganization,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
    status: str,
    withdrawn_on: dt.date | None = None,
) -> dict[str, str]:
    """The ledger data of enrollment.created (shared with the roster import's bulk path)."""
    data = {
        "pilot": pilot.name,
        "organization": organization.name,
        "commitment_starts_on": str(commitment_starts_on),
        "commitment_ends_on": str(commitment_ends_on),
        "status": status,
    }
    if withdrawn_on is not None:
        data["withdrawn_on"] = str(withdrawn_on)
    return data


@contextmanager
def _taken_meanwhile(errors: dict[str, str]):
    """Turn a unique constraint's refusal into the same 400 the checks give.

    Another request can take a number or a name between our check and our insert (PostgreSQL
    does not serialize them); the database constraint then refuses the row. Use it outside
    `transaction.atomic()`, so that the rollback happens first."""
    try:
        yield
    except IntegrityError as error:
        raise ValidationError(errors) from error


def privileged_user_ids(user_ids) -> set[int]:
    """Of these accounts, those whose username and email only an administrator changes: the
    administrators and everyone holding a role (coordinator, workgroup). One query."""
    return set(
        User.objects.filter(pk__in=set(user_ids))
        .filter(Q(is_superuser=True) | Q(roles__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )


EMAIL_OWNER_OR_ADMIN = (
    "This account has been used to sign in, so only its owner (on their account page, confirmed "
    "from the new address) or an administrator changes its email: password-reset links go there."
)


def has_signed_in(user) -> bool:
    """An account that has been used: signed in (web, admin or API token) or given a password."""
    return user.last_login is not None or user.has_usable_password()


def check_may_change(
    *,
    by,
    employee: Employee,
    changed=(),
    privileged: bool | None = None,
    signed_in: bool | None = None,
) -> None:
    """Nobody changes their own employee record or roster line: a coordinator is usually an
    employee of the agency too, and would otherwise decide their own eligibility. Only an
    administrator changes the sign-in details (username, email) of a coordinator, workgroup
    member or administrator, or the email of any account that has been used to sign in, since a
    password-reset link goes to that email (the owner changes it on their account page)."""
    if by is not None and employee.user_id == by.pk:
        raise NotAllowed(
            "Nobody changes their own employee record or roster line; another coordinator of "
            "the agency or an administrator does."
        )
    if by is None or not {"username", "email"} & set(changed) or roles_of(by).is_admin:
        return
    if privileged is None:
        privileged = employee.user_id in privileged_user_ids([employee.user_id])
    if privileged:
        raise NotAllowed(
            "Only an administrator changes the username or email of a coordinator, a workgroup "
            "member or an administrator."
        )
    if signed_in is None:
        signed_in = has_signed_in(employee.user)
    if "email" in changed and signed_in:
        raise NotAllowed(EMAIL_OWNER_OR_ADMIN)


def check_username(username: str, *, field: str = "username") -> None:
    """A username as Django's own validator takes it (letters, digits and @.+-_), and nothing
    invisible: a defaulted one comes from the employee number, which no form checked as a
    username, and `\u200bdot.employee` would display as `dot.employee`."""
    try:
        validate_single_line(username)
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def check_username_free(username: str, *, user_id: int | None = None) -> None:
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
    supervisor=None,
) -> Employee:
    """Create the employee and their user account, with no usable password: the person sets
    one through the password-reset email."""
    check_username(username or employee_number, field="username" if username else "employee_number")
    username = username or employee_number
    taken = f"Employee number {employee_number} or username {username!r} is already taken."
    with _taken_meanwhile({"employee_number": taken}), transaction.atomic():
        if Employee.objects.filter(employee_number=employee_number).exists():
            raise ValidationError(
                {"employee_number": f"Employee number {employee_number} is already on file."}
            )
        check_username_free(username)
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_unusable_password()
        user.save()
        employee = Employee.objects.create(
            user=user,
            agency=agency,
            employee_number=employee_number,
            bargaining_unit=bargaining_unit,
            appointment=appointment,
            supervisor=supervisor,
        )
        check_supervisor(employee=employee, supervisor=supervisor)
        ledger.record(
            kind=LedgerEntry.Kind.EMPLOYEE_CREATED,
            subject=employee,
            agency_id=agency.pk,
            actor=by,
            employee_id=employee.pk,
            data=employee_created_data(
                employee_number=employee_number,
                bargaining_unit=bargaining_unit,
                appointment=appointment,
            ),
        )
    return employee


def employee_update(*, by, employee: Employee, **fields) -> Employee:
    """Change an employee's record; username, name and email live on their user account."""
    user_fields = {
        k: fields.pop(k) for k in ("username", "first_name", "last_name", "email") if k in fields
    }
    taken = "That employee number or username was just taken; check the record and try again."
    with _taken_meanwhile({"employee_number": taken}), transaction.atomic():
        if "username" in user_fields:
            check_username(user_fields["username"])
            check_username_free(user_fields["username"], user_id=employee.user_id)
        number = fields.get("employee_number")
        if (
            number
            and number != employee.employee_number
            and Employee.objects.filter(employee_number=number).exists()
        ):
            raise ValidationError(
                {"employee_number": f"Employee number {number} is already on file."}
            )
        changed = field_changes(employee, fields) | field_changes(employee.user, user_fields)
        if not changed:
            return employee
        check_may_change(by=by, employee=employee, changed=changed)
        if "supervisor" in changed:
            check_supervisor(employee=employee, supervisor=fields["supervisor"])
        for name, value in fields.items():
            setattr(employee, name, value)
        employee.save()
        old_email = employee.user.email
        if user_fields:
            for name, value in user_fields.items():
                setattr(employee.user, name, value)
            employee.user.save(update_fields=list(user_fields))
        if "email" in changed:
            email_change_notify(old=old_email, new=employee.user.email, by_owner=False)
        ledger.record(
            kind=LedgerEntry.Kind.EMPLOYEE_UPDATED,
            subject=employee,
            agency_id=employee.agency_id,
            actor=by,
            employee_id=employee.pk,
            data=changed,
        )
        if "supervisor" in changed:
            # The requests waiting for the old supervisor follow the change (hours).
            supervisors_changed.send(sender=Employee, employees=[employee], by=by)
    return employee


def check_pilot(
    *, agency: Agency, name: str, starts_on: dt.date, ends_on: dt.date, pilot_id: int | None = None
) -> None:
    """A pilot's name is used once in its agency, and it ends on or after the day it starts.
    The admin's form calls this too, to show the errors next to the fields."""
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = "A pilot must end on or after the day it starts."
    if Pilot.objects.filter(agency=agency, name=name).exclude(pk=pilot_id).exists():
        errors["name"] = f"{agency.code} already has a pilot named {name!r}."
    if errors:
        raise ValidationError(errors)


def pilot_create(
    *,
    by,
    agency: Agency,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    status: str = Pilot.Status.ACTIVE,
) -> Pilot:
    taken = f"{agency.code} already has a pilot named {name!r}."
    with _taken_meanwhile({"name": taken}), transaction.atomic():
        check_pilot(agency=agency, name=name, starts_on=starts_on, ends_on=ends_on)
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
    taken = f"{pilot.agency.code} already has a pilot named {fields.get('name')!r}."
    with _taken_meanwhile({"name": taken}), transaction.atomic():
        check_pilot(
            agency=pilot.agency,
            name=fields.get("name", pilot.name),
            starts_on=fields.get("starts_on", pilot.starts_on),
            ends_on=fields.get("ends_on", pilot.ends_on),
            pilot_id=pilot.pk,
        )
        changed = field_changes(pilot, fields)
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
    params: rules.PolicyParams | None = None,
) -> None:
    """The roster rules of SPEC.md section 3 for one line: the pilot is the employee's agency's,
    the employee is eligible, the organization is qualified, the commitment lasts a school year.

    `params` are the policy parameters of the commitment's first year; the roster import reads
    them once for the whole file instead of once per line."""
    rules.check_same_agency(employee_agency=employee.agency.code, pilot_agency=pilot.agency.code)
    rules.check_eligible(bargaining_unit=employee.bargaining_unit, appointment=employee.appointment)
    rules.check_organization_qualified(
        name=organization.name, meets_quality_standards=organization.meets_quality_standards
    )
    rules.check_commitment(
        starts_on=commitment_starts_on,
        ends_on=commitment_ends_on,
        params=params or policy_params(commitment_starts_on.year),
    )


def check_roster_line(
    *,
    new: bool,
    status: str,
    employee: Employee,
    pilot: Pilot,
    organization: MentoringOrganization,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
    params: rules.PolicyParams | None = None,
    withdrawn_on: dt.date | None = None,
    current: Enrollment | None = None,
    today: dt.date | None = None,
) -> dt.date | None:
    """A new roster line is always checked against the roster rules, a changed one while it is
    (or becomes) active: a withdrawn line keeps its history whatever the rules say today. The
    API, the admin and the roster import all ask this.

    Answers the withdrawal date the line will hold (roster_line_withdrawn_on); `current` is the
    line as it is on file (None for a new one), `withdrawn_on` the date asked for, if any."""
    if new or status == Enrollment.Status.ACTIVE:
        check_enrollment(
            employee=employee,
            pilot=pilot,
            organization=organization,
            commitment_starts_on=commitment_starts_on,
            commitment_ends_on=commitment_ends_on,
            params=params,
        )
    return roster_line_withdrawn_on(
        current=current,
        status=status,
        withdrawn_on=withdrawn_on,
        commitment_starts_on=commitment_starts_on,
        commitment_ends_on=commitment_ends_on,
        today=today,
    )


def check_once_on_roster(*, employee: Employee, pilot: Pilot, enrollment_id: int | None) -> None:
    """An employee is on a pilot's roster once; `enrollment_id` is the line being changed."""
    if Enrollment.objects.filter(employee=employee, pilot=pilot).exclude(pk=enrollment_id).exists():
        raise ValidationError({"pilot": ON_ROSTER_ALREADY})


ON_ROSTER_ALREADY = "The employee is already on that pilot's roster; change that line instead."


def enrollment_create(
    *,
    by,
    employee: Employee,
    pilot: Pilot,
    organization: MentoringOrganization,
    commitment_starts_on: dt.date,
    commitment_ends_on: dt.date,
    status: str = Enrollment.Status.ACTIVE,
    withdrawn_on: dt.date | None = None,
) -> Enrollment:
    check_may_change(by=by, employee=employee)
    withdrawn_on = check_roster_line(
        new=True,
        status=status,
        employee=employee,
        pilot=pilot,
        organization=organization,
        commitment_starts_on=commitment_starts_on,
        commitment_ends_on=commitment_ends_on,
        withdrawn_on=withdrawn_on,
    )
    with _taken_meanwhile({"pilot": ON_ROSTER_ALREADY}), transaction.atomic():
        check_once_on_roster(employee=employee, pilot=pilot, enrollment_id=None)
        enrollment = Enrollment.objects.create(
            employee=employee,
            pilot=pilot,
            organization=organization,
            commitment_starts_on=commitment_starts_on,
            commitment_ends_on=commitment_ends_on,
            status=status,
            withdrawn_on=withdrawn_on,
        )
        ledger.record(
            kind=LedgerEntry.Kind.ENROLLMENT_CREATED,
            subject=enrollment,
            agency_id=employee.agency_id,
            actor=by,
            employee_id=employee.pk,
            data=enrollment_created_data(
                pilot=pilot,
                organization=organization,
                commitment_starts_on=commitment_starts_on,
                commitment_ends_on=commitment_ends_on,
                status=status,
                withdrawn_on=withdrawn_on,
            ),
        )
    return enrollment


def enrollment_update(*, by, enrollment: Enrollment, **fields) -> Enrollment:
    """Change a roster line. Withdrawing it (status withdrawn) takes effect on `withdrawn_on`,
    today by default; pending requests for dates from then on that no other line covers are
    cancelled in the same transaction (the enrollments_withdrawn signal). Back to active clears
    the date."""
    check_may_change(by=by, employee=enrollment.employee)
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
    fields["withdrawn_on"] = check_roster_line(
        new=False,
        status=fields.get("status", enrollment.status),
        withdrawn_on=fields.get("withdrawn_on"),
        current=enrollment,
        **merged,
    )
    with _taken_meanwhile({"pilot": ON_ROSTER_ALREADY}), transaction.atomic():
        check_once_on_roster(
            employee=merged["employee"], pilot=merged["pilot"], enrollment_id=enrollment.pk
        )
        changed = field_changes(enrollment, fields)
        if not changed:
            return enrollment
        was = Enrollment(status=enrollment.status, withdrawn_on=enrollment.withdrawn_on)
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
        if withdrawal_takes_days(was=was, now=enrollment):
            send_withdrawals(enrollments=[enrollment], by=by)
    return enrollment
