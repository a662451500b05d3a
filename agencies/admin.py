"""The admin for agencies, organizations and the rosters.

Pilots, employees and roster lines are written through the same services as the API, so the
admin follows the same rules and leaves the same ledger entries. Nothing on a roster is deleted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from accounts.admin import DeactivateInsteadOfDelete
from policy.errors import NotAllowed, StateConflict
from policy.rules import PolicyViolation

from . import approvals, services
from .models import Agency, Delegation, Employee, Enrollment, MentoringOrganization, Pilot, Role
from .roster_admin import roster_import_view


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data}


class RosterAdmin(admin.ModelAdmin):
    """Roster data: saved through the services; never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, *args, **kwargs):
        # The forms show the common refusals next to their fields; a refusal only the service
        # knows (acting on one's own record, say) is shown as a message, and nothing is saved.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (NotAllowed, PolicyViolation, ValidationError) as error:
            text = (
                error.detail
                if isinstance(error, PolicyViolation)
                else "; ".join(getattr(error, "messages", [str(error)]))
            )
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "headcount", "approval_chain"]
    search_fields = ["code", "name"]
    list_filter = ["pilots__status", "approval_chain"]

    def save_model(self, request, obj, form, change):
        chain = form.cleaned_data.get("approval_chain")
        if change and "approval_chain" in form.changed_data:
            obj.approval_chain = Agency.objects.get(pk=obj.pk).approval_chain
            super().save_model(request, obj, form, change)
            approvals.agency_set_approval_chain(by=request.user, agency=obj, approval_chain=chain)
            return
        super().save_model(request, obj, form, change)


@admin.register(MentoringOrganization)
class MentoringOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "meets_quality_standards", "contact_name", "contact_email"]
    list_filter = ["meets_quality_standards"]
    search_fields = ["name", "contact_name", "contact_email"]


class PilotForm(forms.ModelForm):
    """The service's checks, as form errors: a name used once per agency, dates in order."""

    class Meta:
        model = Pilot
        fields = ["agency", "name", "starts_on", "ends_on", "status"]

    def clean(self):
        data = super().clean()
        agency = data.get("agency") or getattr(self.instance, "agency", None)
        fields = {name: data.get(name) for name in ("name", "starts_on", "ends_on")}
        if agency and all(fields.values()):
            try:
                services.check_pilot(agency=agency, pilot_id=self.instance.pk, **fields)
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Pilot)
class PilotAdmin(RosterAdmin):
    form = PilotForm
    list_display = ["name", "agency", "starts_on", "ends_on", "status"]
    list_filter = ["status", "agency"]
    search_fields = ["name", "agency__code", "agency__name"]
    list_select_related = ["agency"]
    date_hierarchy = "starts_on"

    def get_readonly_fields(self, request, obj=None):
        return ["agency"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.pilot_update(
                by=request.user, pilot=Pilot.objects.get(pk=obj.pk), **_changed(form)
            )
        else:
            data = form.cleaned_data
            obj.pk = services.pilot_create(
                by=request.user,
                agency=data["agency"],
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                status=data["status"],
            ).pk


class EmployeeAddForm(forms.ModelForm):
    """A new employee and their account, which gets no usable password: the person sets one
    through the password-reset email."""

    username = forms.CharField(
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text="Defaults to the employee number.",
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()

    class Meta:
        model = Employee
        fields = ["agency", "employee_number", "bargaining_unit", "appointment"]

    def clean(self):
        data = super().clean()
        username = data.get("username") or data.get("employee_number")
        if username:
            try:
                services.check_username_free(username)
            except ValidationError as error:
                field = "username" if data.get("username") else "employee_number"
                self.add_error(field, error.message_dict["username"])
        return data


@admin.register(Employee)
class EmployeeAdmin(RosterAdmin):
    list_display = [
        "employee_number",
        "full_name",
        "agency",
        "bargaining_unit",
        "appointment",
        "is_eligible",
    ]
    list_filter = ["agency", "bargaining_unit", "appointment"]
    search_fields = [
        "employee_number",
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__username",
    ]
    list_select_related = ["user", "agency"]
    add_form = EmployeeAddForm
    raw_id_fields = ["supervisor"]

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj: Employee) -> str:
        return obj.user.get_full_name()

    @admin.display(description="Eligible", boolean=True)
    def is_eligible(self, obj: Employee) -> bool:
        return obj.eligibility.eligible

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The account is the person's; an employee does not move between agencies here.
        return ["user", "agency"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.employee_update(
                by=request.user, employee=Employee.objects.get(pk=obj.pk), **_changed(form)
            )
            return
        data = form.cleaned_data
        employee = services.employee_create(
            by=request.user,
            agency=data["agency"],
            employee_number=data["employee_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            bargaining_unit=data["bargaining_unit"],
            appointment=data["appointment"],
            username=data["username"],
        )
        obj.pk, obj.user = employee.pk, employee.user


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        required=False,
        label="Takes effect on",
        help_text="Empty: today (a commitment not started yet: its first day). The employee "
        "stays enrolled before this day; pending requests from it on are cancelled.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class EnrollmentForm(forms.ModelForm):
    """Checks the roster rules of SPEC.md section 3 before anything is saved."""

    class Meta:
        model = Enrollment
        fields = [
            "employee",
            "pilot",
            "organization",
            "commitment_starts_on",
            "commitment_ends_on",
            "status",
            "withdrawn_on",
        ]
        help_texts = {
            "withdrawn_on": "When withdrawing: the day it takes effect (empty: today). The "
            "employee stays enrolled before it. Pending requests from that day on are cancelled."
        }

    def clean(self):
        data = super().clean()
        line = {
            name: data.get(name, getattr(self.instance, name, None))
            for name in ("pilot", "organization", "commitment_starts_on", "commitment_ends_on")
        }
        line["employee"] = data.get("employee") or getattr(self.instance, "employee", None)
        if any(value is None for value in line.values()):
            return data  # a missing field already has its error
        try:
            services.check_once_on_roster(
                employee=line["employee"], pilot=line["pilot"], enrollment_id=self.instance.pk
            )
            # clean() runs before the form copies its values onto the instance: it is the line
            # as it is on file.
            # The date the line will hold, so that the model's own checks see it too (a date
            # left in the form of a line going back to active is cleared).
            data["withdrawn_on"] = services.check_roster_line(
                new=self.instance.pk is None,
                status=data.get("status"),
                withdrawn_on=data.get("withdrawn_on"),
                current=self.instance if self.instance.pk else None,
                **line,
            )
        except ValidationError as error:
            self.add_error(None, error)
        except PolicyViolation as violation:
            self.add_error(violation.field, f"{violation.detail} ({violation.code})")
        return data


@admin.register(Enrollment)
class EnrollmentAdmin(RosterAdmin):
    form = EnrollmentForm
    list_display = [
        "employee",
        "pilot",
        "organization",
        "commitment_starts_on",
        "commitment_ends_on",
        "status",
        "withdrawn_on",
    ]
    list_filter = ["status", "pilot__agency", "pilot", "organization"]
    search_fields = [
        "employee__employee_number",
        "employee__user__first_name",
        "employee__user__last_name",
        "organization__name",
    ]
    list_select_related = ["employee__user", "pilot__agency", "organization"]
    raw_id_fields = ["employee"]
    actions = ["withdraw"]
    change_list_template = "admin/agencies/enrollment/change_list.html"  # adds "Import roster"

    def get_urls(self):
        # The roster import: the same service, checks and report as the API.
        view = self.admin_site.admin_view(self.import_roster_view)
        return [path("import/", view, name="agencies_enrollment_import"), *super().get_urls()]

    def import_roster_view(self, request):
        return roster_import_view(self, request)

    def get_readonly_fields(self, request, obj=None):
        return ["employee"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.enrollment_update(
                by=request.user, enrollment=Enrollment.objects.get(pk=obj.pk), **_changed(form)
            )
        else:
            obj.pk = services.enrollment_create(
                by=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
            ).pk

    @admin.action(description="Withdraw selected roster lines")
    def withdraw(self, request, queryset):
        """Asks the day the withdrawal takes effect (today unless another is given), then
        withdraws each line through the service, which cancels the pending requests it leaves
        without an enrollment."""
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/agencies/enrollment/withdraw.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Withdraw roster lines",
                    "opts": self.model._meta,
                    "lines": queryset.select_related("employee__user", "pilot"),
                    "form": form,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for enrollment in queryset.select_related("employee", "pilot"):
            try:
                services.enrollment_update(
                    by=request.user,
                    enrollment=enrollment,
                    status=Enrollment.Status.WITHDRAWN,
                    withdrawn_on=form.cleaned_data["withdrawn_on"],
                )
            except NotAllowed as refusal:
                self.message_user(request, f"{enrollment}: {refusal}", messages.ERROR)
            except PolicyViolation as violation:
                self.message_user(request, f"{enrollment}: {violation.detail}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} roster lines withdrawn.", messages.SUCCESS)
        return None


@admin.register(Role)
class RoleAdmin(DeactivateInsteadOfDelete, admin.ModelAdmin):
    active_field = "active"
    list_display = ["user", "kind", "agency", "active"]
    list_filter = ["kind", "agency", "active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "agency"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    """Delegations, given and ended through the same service as the API."""

    list_display = ["delegator", "delegate", "agency", "starts_on", "ends_on", "ended_at"]
    list_filter = ["agency"]
    search_fields = ["delegator__username", "delegate__username"]
    raw_id_fields = ["delegator", "delegate"]
    fields = ["agency", "delegator", "delegate", "starts_on", "ends_on"]
    actions = ["end_early"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # a delegation is ended, not edited

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (NotAllowed, ValidationError) as error:
            self.message_user(
                request, "; ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = approvals.delegation_create(
            by=request.user,
            delegator=data["delegator"],
            agency=data["agency"],
            delegate=data["delegate"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        ).pk

    @admin.action(description="End the selected delegations now")
    def end_early(self, request, queryset):
        for delegation in queryset:
            try:
                approvals.delegation_end(by=request.user, delegation=delegation)
            except (NotAllowed, StateConflict) as error:
                self.message_user(request, f"{delegation}: {error}", messages.WARNING)
