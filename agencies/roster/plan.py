"""Checking rows against the database, and planning the writes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q
from django.db.models.functions import Lower

from agencies import services, withdrawals
from agencies.models import Agency, Employee, Enrollment, MentoringOrganization, Pilot, Role
from ledger.models import LedgerEntry
from policy import rules
from policy.errors import NotAllowed
from policy.selectors import policy_params_by_year

from .checks import Line
from .columns import EMPLOYEE_FIELDS, SUPERVISOR_COLUMNS, USER_FIELDS, User
from .results import RosterError, RowChange

# --- Checking rows against the database, and planning the writes --------------------------------


@dataclass
class ImportPlan:
    new_users: list = field(default_factory=list)
    new_employees: list[Employee] = field(default_factory=list)
    changed_users: list = field(default_factory=list)
    changed_employees: list[Employee] = field(default_factory=list)
    new_enrollments: list[Enrollment] = field(default_factory=list)
    changed_enrollments: list[Enrollment] = field(default_factory=list)
    # Lines whose withdrawal takes days they held: their pending requests are cancelled.
    withdrawals: list[Enrollment] = field(default_factory=list)
    # (kind, subject, employee, data): ledger entries, built once the subjects have keys.
    entries: list[tuple[str, object, Employee, dict]] = field(default_factory=list)
    rows_unchanged: int = 0
    row_changes: list[RowChange] = field(default_factory=list)


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

    numbers = [
        line.values["employee_number"] for line in lines if "employee_number" not in line.bad
    ]
    on_file = {
        employee.employee_number: employee
        for employee in Employee.objects.filter(employee_number__in=numbers).select_related(
            "user", "agency", "supervisor"
        )
    }
    # Accounts whose email only an administrator changes (services.check_may_change).
    privileged = services.privileged_user_ids(e.user_id for e in on_file.values())
    # A number lost its leading zeros when a spreadsheet program saved the file (000123 became
    # 123): the person is already on file under the full number, with the same name and email.
    new_emails = {
        line.values["email"].casefold()
        for line in lines
        if "email" not in line.bad and "employee_number" not in line.bad
        if line.values["employee_number"] not in on_file
    }
    same_person = {}
    if new_emails:
        for employee in (
            Employee.objects.annotate(email_key=Lower("user__email"))
            .filter(email_key__in=new_emails)
            .select_related("user")
        ):
            same_person.setdefault(employee.user.email.casefold(), []).append(employee)
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
        line.values["commitment_starts_on"].year
        for line in lines
        if "commitment_starts_on" not in line.bad
    }
    params = policy_params_by_year(years)

    first_row: dict[str, int] = {}
    planned: dict[int, Employee] = {}  # row -> the employee it adds or changes
    for line in lines:
        line.failed = bool(line.bad)
        number = None if "employee_number" in line.bad else line.values["employee_number"]
        if number in first_row:
            line.fail(
                errors,
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
            key = line.values["pilot"].casefold()
            pilot = own_pilots.get(key) or other_pilots.get(key)
            if pilot is None:
                names = sorted(p.name for p in own_pilots.values())
                line.fail(
                    errors,
                    "pilot",
                    f"{agency.code} has no pilot named {line.values['pilot']!r}."
                    + (f" Its pilots: {', '.join(names)}." if names else ""),
                    "unknown_pilot",
                )
        if "organization" not in line.bad:
            named = line.values["organization"]
            organization = by_organization.get(named.casefold())
            if organization is None:
                line.fail(
                    errors,
                    "organization",
                    f"No mentoring organization is named {named!r}; use a name "
                    "from the Notes sheet of the roster template.",
                    "unknown_organization",
                )

        if _refuse_lost_zeros(line, on_file, same_person, errors):
            continue
        employee = _plan_employee(agency, line, on_file, usernames_taken, errors)
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
                    signed_in=services.has_signed_in(employee.user),
                )
            except NotAllowed as refusal:
                line.fail(errors, "employee_number", str(refusal), "not_allowed")
                continue
        _plan_enrollment(plan, line, employee, pilot, organization, roster, params, errors)
        if not line.failed:
            planned[line.row] = employee
    if any(name in line.values for line in lines for name in SUPERVISOR_COLUMNS):
        _plan_supervisors(plan, agency, lines, planned, errors, by=by)
    return plan


def _refuse_lost_zeros(line: Line, on_file, same_person, errors) -> bool:
    """Refuse a new employee number for a person already on file under another number."""
    if any(name in line.bad for name in ("employee_number", "email", "first_name", "last_name")):
        return False
    number, email = line.values["employee_number"], line.values["email"]
    first, last = line.values["first_name"], line.values["last_name"]
    if number in on_file:
        return False
    for existing in same_person.get(email.casefold(), []):
        user = existing.user
        if (user.first_name.casefold(), user.last_name.casefold()) != (
            first.casefold(),
            last.casefold(),
        ):
            continue
        zeros = existing.employee_number.lstrip("0") == number.lstrip("0")
        line.fail(
            errors,
            "employee_number",
            f"{first} {last} ({email}) is already on file as employee "
            f"{existing.employee_number}, not {number}. "
            + (
                "Leading zeros were probably lost when the file was saved in a spreadsheet "
                f"program ({existing.employee_number} became {number}): format the "
                "employee_number column as text and type the numbers again, or export the "
                "roster and start from that file."
                if zeros
                else "Use the number on file, or ask an administrator to correct it."
            ),
            "leading_zeros_lost" if zeros else "same_person",
        )
        return True
    return False


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
        roles__kind=Role.Kind.COORDINATOR, roles__agency=agency, roles__active=True
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
        number = line.values.get("supervisor_employee_number")
        address = line.values.get("supervisor_email")
        supervisor = None
        if number:
            found = in_file.get(number) or on_file.get(number)
            if found is None:
                line.fail(
                    errors,
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
                line.fail(
                    errors,
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
            line.fail(errors, column, "Nobody is their own supervisor.", "invalid")
            continue
        chosen[line.row] = supervisor
        graph[node(employee.user)] = node(supervisor) if supervisor else None

    changes = {change.row: change for change in plan.row_changes}
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
            line.fail(
                errors,
                column,
                "These supervisors form a cycle: someone would report to themselves.",
            )
            continue
        _apply_supervisor(plan, changes, line, employee, supervisor, by=by, errors=errors)
    plan.row_changes.sort(key=lambda change: change.row)  # rows changing only a supervisor


def _apply_supervisor(plan, changes, line, employee, supervisor, *, by, errors) -> None:
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
        line.fail(errors, "employee_number", str(refusal), "not_allowed")
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
    change = changes.get(line.row)
    if change is not None:
        change.changes["supervisor"] = line.employee_changes["supervisor"]
        return
    # The row changed nothing else: it was counted unchanged.
    plan.rows_unchanged -= 1
    plan.row_changes.append(
        RowChange(
            row=line.row,
            employee_number=employee.employee_number,
            name=f"{line.values['first_name']} {line.values['last_name']}",
            changes={"supervisor": line.employee_changes["supervisor"]},
        )
    )


def _check_may_change(
    line: Line,
    employee: Employee,
    enrollment,
    organization,
    *,
    by,
    privileged: bool,
    signed_in: bool,
) -> None:
    """The API's rule for who may change whom (services.check_may_change), for a line that
    would change something: an unchanged line, one's own included, passes."""
    enrollment_changes = enrollment is None or services.field_changes(
        enrollment,
        {
            "organization_id": organization.pk,
            "commitment_starts_on": line.values["commitment_starts_on"],
            "commitment_ends_on": line.values["commitment_ends_on"],
            "status": line.values["status"] or enrollment.status,
            "withdrawn_on": line.values["withdrawn_on"] or enrollment.withdrawn_on,
        },
    )
    if line.employee_changes or enrollment_changes:
        services.check_may_change(
            by=by,
            employee=employee,
            changed=line.employee_changes,
            privileged=privileged,
            signed_in=signed_in,
        )


def _plan_employee(agency, line, on_file, usernames_taken, errors) -> Employee | None:
    if any(name in line.bad for name in ("employee_number", *EMPLOYEE_FIELDS, *USER_FIELDS)):
        return None
    number = line.values["employee_number"]
    employee = on_file.get(number)
    if employee is None:
        if number in usernames_taken:
            line.fail(
                errors,
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
        line.fail(
            errors,
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


def _plan_enrollment(plan, line, employee, pilot, organization, roster, params, errors) -> None:
    enrollment = None if line.employee_new else roster.get((employee.pk, pilot.pk))
    status = line.values["status"] or (
        enrollment.status if enrollment else Enrollment.Status.ACTIVE
    )
    try:
        withdrawn_on = services.check_roster_line(
            new=enrollment is None,
            status=status,
            employee=employee,
            pilot=pilot,
            organization=organization,
            commitment_starts_on=line.values["commitment_starts_on"],
            commitment_ends_on=line.values["commitment_ends_on"],
            params=params[line.values["commitment_starts_on"].year],
            withdrawn_on=line.values["withdrawn_on"],
            current=enrollment,
        )
    except rules.PolicyViolation as violation:
        line.fail(errors, _column_of(violation, employee), violation.detail, violation.code)
        return

    change = RowChange(
        row=line.row,
        employee_number=employee.employee_number,
        name=f"{line.values['first_name']} {line.values['last_name']}",
        adds=("employee",) if line.employee_new else (),
        changes=dict(line.employee_changes),
    )
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
        "commitment_starts_on": line.values["commitment_starts_on"],
        "commitment_ends_on": line.values["commitment_ends_on"],
        "status": status,
        "withdrawn_on": withdrawn_on,
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
        plan.row_changes.append(
            RowChange(
                row=change.row,
                employee_number=change.employee_number,
                name=change.name,
                adds=(*change.adds, f"roster line on {pilot.name}"),
                changes=change.changes,
            )
        )
        return
    changes = services.field_changes(enrollment, fields)
    if changes:
        was = Enrollment(status=enrollment.status, withdrawn_on=enrollment.withdrawn_on)
        for name, value in fields.items():
            setattr(enrollment, name, value)
        plan.changed_enrollments.append(enrollment)
        if withdrawals.withdrawal_takes_days(was=was, now=enrollment):
            enrollment.pilot = pilot  # named in the cancelled requests' reason
            plan.withdrawals.append(enrollment)
        plan.entries.append((LedgerEntry.Kind.ENROLLMENT_UPDATED, enrollment, employee, changes))
        change.changes.update(changes)
    elif not line.employee_changes:
        plan.rows_unchanged += 1
        return
    plan.row_changes.append(change)


def _column_of(violation: rules.PolicyViolation, employee: Employee) -> str:
    if violation.field:
        return violation.field
    if violation.code == rules.NOT_ELIGIBLE:
        covered = employee.bargaining_unit in rules.COVERED_BARGAINING_UNITS
        return "appointment" if covered else "bargaining_unit"
    return "employee_number"
