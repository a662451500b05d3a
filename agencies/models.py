"""Agencies, their pilots, mentoring organizations, employees, the pilot rosters and roles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from policy import rules


class Agency(models.Model):
    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]*$", "Use capital letters and digits, e.g. DOT.")
        ],
        help_text="Short code, e.g. DOT.",
    )
    name = models.CharField(max_length=200)
    headcount = models.PositiveIntegerField(
        default=0, help_text="State employees in the agency, for the adoption rate."
    )

    class ApprovalChain(models.TextChoices):
        COORDINATOR = "coordinator", "The coordinator decides"
        SUPERVISOR_THEN_COORDINATOR = (
            "supervisor_then_coordinator",
            "The supervisor, then the coordinator",
        )

    approval_chain = models.CharField(
        max_length=32,
        choices=ApprovalChain.choices,
        default=ApprovalChain.COORDINATOR,
        # In the database too, so that rows written by an older version keep today's behaviour.
        db_default=ApprovalChain.COORDINATOR,
        help_text="Who decides a paid-leave request: the coordinator alone, or the employee's "
        "supervisor first (for operational needs), then the coordinator (for the policy).",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.code


class MentoringOrganization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    meets_quality_standards = models.BooleanField(
        default=False, help_text="Recorded as meeting the mentoring quality-assurance standards."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pilot(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pilots")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["agency__code", "starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="pilot_name_unique_in_agency"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="pilot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.name}"


class Employee(models.Model):
    BARGAINING_UNIT_CHOICES = [(unit, f"Unit {unit}") for unit in rules.BARGAINING_UNITS[:-1]] + [
        ("excluded", "Excluded from bargaining")
    ]
    APPOINTMENT_CHOICES = list(rules.APPOINTMENTS.items())

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="employees")
    employee_number = models.CharField(max_length=20, unique=True)
    bargaining_unit = models.CharField(max_length=10, choices=BARGAINING_UNIT_CHOICES)
    appointment = models.CharField(max_length=32, choices=APPOINTMENT_CHOICES)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team",
        help_text="Who decides first whether the office can spare the employee (a user of the "
        "same agency).",
    )
    transferred_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The effective day of the latest transfer into the current agency: hours "
        "dated before it belong to the agencies the employee was in then.",
    )

    class Meta:
        ordering = ["agency__code", "employee_number"]

    def __str__(self) -> str:
        return f"{self.employee_number} {self.user.get_full_name()}".strip()

    @property
    def eligibility(self) -> rules.Eligibility:
        return rules.eligibility(bargaining_unit=self.bargaining_unit, appointment=self.appointment)


class Enrollment(models.Model):
    """One line of a pilot roster: an employee's commitment to mentor through an organization."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="enrollments")
    pilot = models.ForeignKey(Pilot, on_delete=models.PROTECT, related_name="enrollments")
    organization = models.ForeignKey(
        MentoringOrganization, on_delete=models.PROTECT, related_name="enrollments"
    )
    commitment_starts_on = models.DateField()
    commitment_ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Set by the services whenever a line is withdrawn. A withdrawn line without one (written
    # directly, never by the services) counts as withdrawn from its commitment's first day.
    withdrawn_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the withdrawal takes effect: the employee is enrolled before it and "
        "not enrolled from it on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pilot", "employee__employee_number"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "pilot"], name="one_enrollment_per_pilot"),
            models.CheckConstraint(
                condition=Q(commitment_ends_on__gt=models.F("commitment_starts_on")),
                name="commitment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="withdrawn") | Q(withdrawn_on__isnull=True),
                name="withdrawn_on_only_when_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.employee_number} on {self.pilot}"

    @staticmethod
    def holds_on(day, *, prefix: str = "") -> Q:
        """Roster lines whose place holds on `day` (a date or an expression such as
        OuterRef("date")): active, or withdrawn from a later day. `prefix` leads from the
        query's model to the line ("enrollments__" from Employee)."""
        return Q(**{f"{prefix}status": Enrollment.Status.ACTIVE}) | Q(
            **{f"{prefix}withdrawn_on__gt": day}
        )


class Role(models.Model):
    """A role beyond employee: coordinator of one agency, or workgroup member.

    Being an employee is having an Employee profile; admin is Django's superuser flag.
    """

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", "Pilot coordinator"
        WORKGROUP = "workgroup", "Workgroup member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )
    # A role is ended by clearing this, never deleted: the admin's history keeps who held it.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__username", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="coordinator", agency__isnull=False)
                    | Q(kind="workgroup", agency__isnull=True)
                ),
                name="coordinator_has_agency_workgroup_has_none",
            ),
            models.UniqueConstraint(fields=["user", "kind", "agency"], name="role_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(kind="workgroup"), name="workgroup_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_kind_display()}" + (
            f" ({self.agency.code})" if self.agency_id else ""
        )


class Delegation(models.Model):
    """While it runs, `delegate` sees and decides the queue of `delegator` in `agency`."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="delegations")
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_held"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it was ended early.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(delegate=models.F("delegator")), name="delegation_not_to_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} to {self.delegate}, {self.starts_on} to {self.ends_on}"


class Transfer(models.Model):
    """An employee's move to another agency, taking effect on a date.

    Hours and requests dated before `effective_on` stay with `from_agency` (its workbook, its
    leave accounting); those dated on or after it belong to `to_agency`. The year stays one year
    for the cap and the match, which are the person's, not an agency's.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed, awaiting the receiving agency"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="transfers")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_agency=models.F("from_agency")), name="transfer_to_another_agency"
            ),
            # Two transfers of one employee on one date would leave that day's hours with no
            # single agency; the service says so first, this holds under concurrency.
            models.UniqueConstraint(
                fields=["employee", "effective_on"],
                condition=~Q(status="cancelled"),
                name="one_transfer_per_employee_and_date",
            ),
        ]
        indexes = [models.Index(fields=["employee", "status", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.employee.employee_number}: {self.from_agency} to {self.to_agency} on " + str(
            self.effective_on
        )
