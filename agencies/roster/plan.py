"""Checking rows against the database, and planning the writes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q

from agencies import services
from agencies.models import Agency, Employee, Enrollment, MentoringOrganization, Pilot, Role
from ledger.models import LedgerEntry
from policy import rules
from policy.errors import NotAllowed
from policy.selectors import policy_params_by_year

from .checks import Line
from .columns import EMPLOYEE_FIELDS, SUPERVISOR_COLUMNS, USER_FIELDS, User
from .results import RosterError

# --- Checking rows against the database, and planning the writes --------------------------------


@dataclass
class ImportPlan:
    new_users: list = field(default_factory=list)
    new_employees: list[Employee] = field(default_factory=list)
    changed_users: list = field(default_factory=list)
    changed_employees: list[Employee] = field(default_factory=list)
    new_enrollments: list[Enrollment] = field(default_factory=list)
    changed_enrollments: list[Enrollment] = field(default_factory=list)
    # (kind, subject, employee, data): ledger entries, built once the subjects have keys.
    entries: list[tuple[str, object, Employee, dict]] = field(default_factory=list)
    rows_unchanged: int = 0
    unchanged_rows: set[int] = field(default_factory=set)


def _by_name(items, name=lambda item: item.name) -> dict[str, object]:
    return {name(item).casefold(): item for item in items}


def plan_import(
    agency: Agency, lines: list[Line], errors: list[RosterError], *, by=None
) -> ImportPlan:
    """Check every line against what is on file and work out what to write. Queries: a fixed
    handful, whatever the number of lines."""
    plan = ImportPlan()
    organizations = list(MentoringOrganization.objects.all())
    by_organization = _by_name(organizations)
    pilots = list(Pilot.objects.select_related("agency"))
    own_pilots = _by_name(p for p in pilots if p.agency_id == agency.pk)
    other_pilots = _by_name(p for p in pilots if p.agency_id != agency.pk)

    numbers = [line.employee_number for line in lines if "employee_number" not in line.bad]
    on_file = {
        employee.employee_number: employee
        for employee in Employee.objects.filter(employee_number__in=numbers).select_related(
            "user", "agency", "supervisor"
        )
    }
    # Accounts whose email only an administrator changes (services.check_may_change).
    privileged = {e.user_id for e in on_file.values() if e.user.is_superuser} | set(
        Role.objects.filter(user_id__in=[e.user_id for e in on_file.values()]).values_list(
            "user_id", flat=True
        )
    )
    usernames_taken = set(
        User.objects.filter(username__in=[n for n in numbers if n not in on_file]).values_list(
            "username", flat=True
        )
    )
    ours = [employee.pk for employee in on_file.values() if employee.agency_id == agency.pk]
    roster = {
        (enrollment.employee_id, enrollment.pilot_id): enrollment
        for enrollment in Enrollment.objects.filter(employee_id__in=ours).select_related(
            "organization"
        )
    }
    years = {
        line.commitment_starts_on.year for line in lines if "commitment_starts_on" not in line.bad
    }
    params = policy_params_by_year(years)

    first_row: dict[str, int] = {}
    planned: dict[int, Employee] = {}  # row -> the employee it adds or changes
    for line in lines:
        fail = _failer(line, errors)
        number = None if "employee_number" in line.bad else line.employee_number
        if number in first_row:
            fail(
                "employee_number",
                f"Employee number {number} is also on row {first_row[number]}; "
                "list each employee once.",
                "duplicate",
            )
            continue
        if number:
            first_row[number] = line.row

        pilot = organization = None
        if "pilot" not in line.bad:
            key = line.pilot.casefold()
            pilot = own_pilots.get(key) or other_pilots.get(key)
            if pilot is None:
                names = sorted(p.name for p in own_pilots.values())
                fail(
                    "pilot",
                    f"{agency.code} has no pilot named {line.pilot!r}."
                    + (f" Its pilots: {', '.join(names)}." if names else ""),
                    "unknown_pilot",
                )
        if "organization" not in line.bad:
            organization = by_organization.get(line.organization.casefold())
            if organization is None:
                fail(
                    "organization",
                    f"No mentoring organization is named {line.organization!r}; use a name "
                    "from the Notes sheet of the roster template.",
                    "unknown_organization",
                )

        employee = _plan_employee(agency, line, on_file, usernames_taken, fail)
        if employee is None or line.failed or pilot is None or organization is None:
            continue
        if not line.employee_new:
            try:
                _check_may_change(
                    line,
                    employee,
                    roster.get((employee.pk, pilot.pk)),
                    organization,
                    by=by,
                    privileged=employee.user_id in privileged,
                )
            except NotAllowed as refusal:
                fail("employee_number", str(refusal), "not_allowed")
                continue
        _plan_enrollment(plan, line, employee, pilot, organization, roster, params, fail)
        if not line.failed:
            planned[line.row] = employee
    if any(name in line.values for line in lines for name in SUPERVISOR_COLUMNS):
        _plan_supervisors(plan, agency, lines, planned, errors, by=by)
    return plan


def _plan_supervisors(plan, agency, lines, planned, errors, *, by) -> None:
    """Each row's supervisor: an employee of the agency by number (on file or in the file),
    or a user of the agency by email; never the employee, never a cycle. Queries: three."""
    in_file = {employee.employee_number: employee for employee in planned.values()}
    wanted_numbers = {line.values.get("supervisor_employee_number") for line in lines} - {"", None}
    on_file = {
        e.employee_number: e
        for e in Employee.objects.filter(agency=agency, employee_number__in=wanted_numbers)
        .exclude(employee_number__in=list(in_file))
        .select_related("user")
    }
    wanted_emails = {line.values.get("supervisor_email") for line in lines} - {"", None}
    by_email: dict[str, list] = {}
    agency_users = Q(employee__agency=agency) | Q(
        roles__kind=Role.Kind.COORDINATOR, roles__agency=agency
    )
    emails = Q()
    for address in wanted_emails:
        emails |= Q(email__iexact=address)
    if wanted_emails:
        for user in User.objects.filter(emails).filter(agency_users).distinct():
            by_email.setdefault(user.email.casefold(), []).append(user)
    # Who reports to whom once the file is in: nodes are user ids, or ("new", number).
    reporting = Employee.objects.filter(agency=agency).exclude(supervisor=None)
    graph = dict(reporting.values_list("user_id", "supervisor_id"))

    def node(user):
        return user.pk if user.pk else ("new", user.username)

    chosen: dict[int, object] = {}
    for line in lines:
        employee = planned.get(line.row)
        if employee is None or not any(name in line.values for name in SUPERVISOR_COLUMNS):
            continue
        fail = _failer(line, errors)
        number = line.values.get("supervisor_employee_number")
        address = line.values.get("supervisor_email")
        supervisor = None
        if number:
            found = in_file.get(number) or on_file.get(number)
            if found is None:
                fail(
                    "supervisor_employee_number",
                    f"No employee of {agency.code} has the number {number}, on file or in this "
                    "file.",
                    "unknown_supervisor",
                )
                continue
            supervisor = found.user
        elif address:
            matches = by_email.get(address.casefold(), [])
            if len(matches) != 1:
                fail(
                    "supervisor_email",
                    f"No single user of {agency.code} has the email {address}."
                    if not matches
                    else f"Several users of {agency.code} have the email {address}; give the "
                    "supervisor's employee number instead.",
                    "unknown_supervisor",
                )
                continue
            supervisor = matches[0]
        column = "supervisor_employee_number" if number else "supervisor_email"
        if supervisor is not None and node(supervisor) == node(employee.user):
            fail(column, "Nobody is their own supervisor.", "invalid")
            continue
        chosen[line.row] = supervisor
        graph[node(employee.user)] = node(supervisor) if supervisor else None

    for line in lines:
        if line.row not in chosen:
            continue
        employee, supervisor = planned[line.row], chosen[line.row]
        seen, current = set(), node(employee.user)
        while current is not None and current not in seen:
            seen.add(current)
            current = graph.get(current)
        if current is not None:
            column = (
                "supervisor_employee_number"
                if line.values.get("supervisor_employee_number")
                else "supervisor_email"
            )
            fail = _failer(line, errors)
            fail(column, "These supervisors form a cycle: someone would report to themselves.")
            continue
        _apply_supervisor(plan, line, employee, supervisor, by=by, errors=errors)


def _apply_supervisor(plan, line, employee, supervisor, *, by, errors) -> None:
    old = employee.supervisor if employee.supervisor_id else None
    if line.employee_new:
        employee.supervisor = supervisor
        return
    if (old.pk if old else None) == (supervisor.pk if supervisor else None) and (
        supervisor is None or supervisor.pk
    ):
        return
    try:
        services.check_may_change(by=by, employee=employee)
    except NotAllowed as refusal:
        _failer(line, errors)("employee_number", str(refusal), "not_allowed")
        return
    employee.supervisor = supervisor
    had_changes = bool(line.employee_changes)
    line.employee_changes["supervisor"] = [
        old.username if old else "",
        supervisor.username if supervisor else "",
    ]
    if employee not in plan.changed_employees:
        plan.changed_employees.append(employee)
    if not had_changes:
        plan.entries.append(
            (LedgerEntry.Kind.EMPLOYEE_UPDATED, employee, employee, line.employee_changes)
        )
        if plan.rows_unchanged and line.row in plan.unchanged_rows:
            plan.rows_unchanged -= 1


def _check_may_change(
    line: Line, employee: Employee, enrollment, organization, *, by, privileged: bool
) -> None:
    """The API's rule for who may change whom (services.check_may_change), for a line that
    would change something: an unchanged line, one's own included, passes."""
    enrollment_changes = enrollment is None or services.field_changes(
        enrollment,
        {
            "organization_id": organization.pk,
            "commitment_starts_on": line.commitment_starts_on,
            "commitment_ends_on": line.commitment_ends_on,
            "status": line.status or enrollment.status,
        },
    )
    if line.employee_changes or enrollment_changes:
        services.check_may_change(
            by=by, employee=employee, changed=line.employee_changes, privileged=privileged
        )


def _failer(line: Line, errors: list[RosterError]):
    line.failed = bool(line.bad)

    def fail(column: str, message: str, code: str = "invalid") -> None:
        line.failed = True
        errors.append(RosterError(line.row, column, message, code))

    return fail


def _plan_employee(agency, line, on_file, usernames_taken, fail) -> Employee | None:
    if any(name in line.bad for name in ("employee_number", *EMPLOYEE_FIELDS, *USER_FIELDS)):
        return None
    number = line.employee_number
    employee = on_file.get(number)
    if employee is None:
        if number in usernames_taken:
            fail(
                "employee_number",
                f"The username {number!r} is already taken, so an account for employee "
                f"{number} cannot be made.",
                "username_taken",
            )
            return None
        # No usable password, as set_unusable_password() gives, from one call to the random
        # source instead of forty: a large roster adds thousands of accounts at once.
        user = User(
            **{name: line.values[name] for name in USER_FIELDS},
            username=number,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        employee = Employee(
            user=user,
            agency=agency,
            employee_number=number,
            **{name: line.values[name] for name in EMPLOYEE_FIELDS},
        )
        line.employee_new = True
        return employee
    if employee.agency_id != agency.pk:
        fail(
            "employee_number",
            f"Employee number {number} is already on file for another agency; an import "
            f"adds or changes {agency.code} employees only.",
            "other_agency",
        )
        return None
    line.employee_new = False
    fields = {name: line.values[name] for name in EMPLOYEE_FIELDS}
    user_fields = {name: line.values[name] for name in USER_FIELDS}
    line.employee_changes = services.field_changes(employee, fields) | services.field_changes(
        employee.user, user_fields
    )
    # The new values, so that the roster rules below judge the employee as they will be.
    for name, value in fields.items():
        setattr(employee, name, value)
    for name, value in user_fields.items():
        setattr(employee.user, name, value)
    return employee


def _plan_enrollment(plan, line, employee, pilot, organization, roster, params, fail) -> None:
    enrollment = None if line.employee_new else roster.get((employee.pk, pilot.pk))
    status = line.status or (enrollment.status if enrollment else Enrollment.Status.ACTIVE)
    # As in enrollment_create (every new line) and enrollment_update (a line that stays or
    # becomes active): the same rules, from the same function.
    if enrollment is None or status == Enrollment.Status.ACTIVE:
        try:
            services.check_enrollment(
                employee=employee,
                pilot=pilot,
                organization=organization,
                commitment_starts_on=line.commitment_starts_on,
                commitment_ends_on=line.commitment_ends_on,
                params=params[line.commitment_starts_on.year],
            )
        except rules.PolicyViolation as violation:
            fail(_column_of(violation, employee), violation.detail, violation.code)
            return

    if line.employee_new:
        plan.new_users.append(employee.user)
        plan.new_employees.append(employee)
        plan.entries.append(
            (
                LedgerEntry.Kind.EMPLOYEE_CREATED,
                employee,
                employee,
                services.employee_created_data(
                    employee_number=employee.employee_number,
                    bargaining_unit=employee.bargaining_unit,
                    appointment=employee.appointment,
                ),
            )
        )
    elif line.employee_changes:
        if any(name in line.employee_changes for name in USER_FIELDS):
            plan.changed_users.append(employee.user)
        if any(name in line.employee_changes for name in EMPLOYEE_FIELDS):
            plan.changed_employees.append(employee)
        plan.entries.append(
            (LedgerEntry.Kind.EMPLOYEE_UPDATED, employee, employee, line.employee_changes)
        )

    fields = {
        "organization": organization,
        "commitment_starts_on": line.commitment_starts_on,
        "commitment_ends_on": line.commitment_ends_on,
        "status": status,
    }
    if enrollment is None:
        enrollment = Enrollment(employee=employee, pilot=pilot, **fields)
        plan.new_enrollments.append(enrollment)
        plan.entries.append(
            (
                LedgerEntry.Kind.ENROLLMENT_CREATED,
                enrollment,
                employee,
                services.enrollment_created_data(pilot=pilot, **fields),
            )
        )
        return
    changes = services.field_changes(enrollment, fields)
    if changes:
        for name, value in fields.items():
            setattr(enrollment, name, value)
        plan.changed_enrollments.append(enrollment)
        plan.entries.append((LedgerEntry.Kind.ENROLLMENT_UPDATED, enrollment, employee, changes))
    elif not line.employee_changes:
        plan.rows_unchanged += 1
        plan.unchanged_rows.add(line.row)


def _column_of(violation: rules.PolicyViolation, employee: Employee) -> str:
    if violation.field:
        return violation.field
    if violation.code == rules.NOT_ELIGIBLE:
        covered = employee.bargaining_unit in rules.COVERED_BARGAINING_UNITS
        return "appointment" if covered else "bargaining_unit"
    return "employee_number"
