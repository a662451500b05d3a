"""The admin: every model, with search and filters, and actions that call the same services as
the API. The ledger is read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from agencies.roles import roles_of, scope_by_agency
from ledger.models import LedgerEntry
from policy.errors import NotAllowed, StateConflict
from policy.models import PolicyYear
from policy.rules import PolicyViolation

from . import services
from .models import Balance, LeaveRequest, PersonalHours


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason")


class VerifyForm(forms.Form):
    verified_by_name = forms.CharField(
        max_length=200, label="Verified by (at the mentoring organization)"
    )
    verified_on = forms.DateField(required=False, label="Verified on (YYYY-MM-DD)")
    reason = forms.CharField(
        max_length=2000,
        label="How the organization confirmed them",
        help_text="For example: a signed paper form, a phone call with the program manager.",
    )


class ScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers (a coordinator given admin access) see only what they
    could read through the API: their agency's items and their own."""

    agency_path = "employee__agency_id"
    employee_path: str | None = "employee_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scope_by_agency(
            queryset,
            roles_of(request.user),
            agency_path=self.agency_path,
            employee_path=self.employee_path,
        )


def _run(modeladmin, request, queryset, apply, done: str) -> None:
    """Apply a service to each selected item on its own and report what passed and why not."""
    passed, refused = 0, []
    for obj in queryset:
        try:
            apply(obj)
        except PolicyViolation as error:
            refused.append(f"#{obj.pk}: {error.detail} ({error.code})")
        except (StateConflict, NotAllowed) as error:
            refused.append(f"#{obj.pk}: {error}")
        except ValidationError as error:
            refused.append(f"#{obj.pk}: {'; '.join(error.messages)}")
        else:
            passed += 1
    if passed:
        modeladmin.message_user(request, f"{passed} {done}.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


def _with_form(modeladmin, request, queryset, form_class, title: str, apply, done: str):
    """An action that first asks for a reason or a verifier, then applies the service."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            _run(modeladmin, request, queryset, lambda obj: apply(obj, form.cleaned_data), done)
            return None
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "admin/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
        },
    )


@admin.register(PolicyYear)
class PolicyYearAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "cap_hours",
        "match_ratio",
        "increment",
        "daily_total_limit",
        "daily_paid_limit",
        "commitment_months",
    ]
    search_fields = ["year"]
    list_filter = ["cap_hours"]

    def has_delete_permission(self, request, obj=None):
        # A year's parameters are what its balances and past decisions were judged by; a
        # change is an edit, kept in the admin's history.
        return False


@admin.register(PersonalHours)
class PersonalHoursAdmin(ScopedAdmin):
    list_display = [
        "id",
        "employee",
        "date",
        "hours",
        "source",
        "organization",
        "status",
        "verified_by_name",
        "verified_via",
    ]
    list_filter = [
        "status",
        "verified_via",
        "source",
        "activity",
        "employee__agency",
        "organization",
        "date",
    ]
    search_fields = [
        "employee__employee_number",
        "employee__user__first_name",
        "employee__user__last_name",
        "organization__name",
        "verified_by_name",
    ]
    list_select_related = ["employee__user", "organization"]
    date_hierarchy = "date"
    readonly_fields = [
        "employee",
        "date",
        "hours",
        "source",
        "organization",
        "activity",
        "notes",
        "status",
        "verified_by_name",
        "verified_on",
        "verified_via",
        "reviewed_by",
        "reviewed_at",
        "reason",
        "created_at",
    ]
    actions = ["verify", "reject"]

    def has_add_permission(self, request):
        return False  # employees log their own hours

    def has_delete_permission(self, request, obj=None):
        return False  # nothing submitted is deleted

    @admin.action(description="Verify selected personal hours", permissions=["change"])
    def verify(self, request, queryset):
        return _with_form(
            self,
            request,
            queryset,
            VerifyForm,
            "Verify personal hours",
            lambda entry, data: services.personal_hours_verify(
                entry=entry,
                reason=data["reason"],
                by=request.user,
                verified_by_name=data["verified_by_name"],
                verified_on=data["verified_on"],
            ),
            "entries verified",
        )

    @admin.action(
        description="Reject selected personal hours (with a reason)", permissions=["change"]
    )
    def reject(self, request, queryset):
        return _with_form(
            self,
            request,
            queryset,
            ReasonForm,
            "Reject personal hours",
            lambda entry, data: services.personal_hours_reject(
                entry=entry, by=request.user, reason=data["reason"]
            ),
            "entries rejected",
        )


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ScopedAdmin):
    list_display = [
        "id",
        "employee",
        "date",
        "hours",
        "organization",
        "status",
        "approver",
        "decided_at",
    ]
    list_filter = ["status", "employee__agency", "organization", "date"]
    search_fields = [
        "employee__employee_number",
        "employee__user__first_name",
        "employee__user__last_name",
        "organization__name",
    ]
    list_select_related = ["employee__user", "organization", "approver"]
    date_hierarchy = "date"
    readonly_fields = [
        "employee",
        "date",
        "hours",
        "organization",
        "activity",
        "notes",
        "status",
        "approver",
        "decided_at",
        "reason",
        "created_at",
        "updated_at",
    ]
    actions = ["approve", "deny"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve selected requests", permissions=["change"])
    def approve(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda leave: services.leave_request_approve(request=leave, by=request.user),
            "requests approved",
        )

    @admin.action(description="Deny selected requests (with a reason)", permissions=["change"])
    def deny(self, request, queryset):
        return _with_form(
            self,
            request,
            queryset,
            ReasonForm,
            "Deny leave requests",
            lambda leave, data: services.leave_request_deny(
                request=leave, by=request.user, reason=data["reason"]
            ),
            "requests denied",
        )


@admin.register(Balance)
class BalanceAdmin(ScopedAdmin):
    list_display = [
        "employee",
        "year",
        "paid_approved",
        "paid_pending",
        "personal_verified",
        "personal_logged",
    ]
    list_filter = ["year", "employee__agency"]
    search_fields = ["employee__employee_number", "employee__user__last_name"]
    list_select_related = ["employee__user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # kept by the services; see check_balances

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ScopedAdmin):
    agency_path = "agency_id"
    list_display = [
        "at",
        "kind",
        "agency",
        "employee",
        "year",
        "actor",
        "subject_type",
        "subject_id",
        "reason",
    ]
    list_filter = ["kind", "agency", "year", "at"]
    search_fields = ["employee__employee_number", "actor__username", "reason", "subject_id"]
    list_select_related = ["agency", "employee__user", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Transfers are an agencies model written by an hours service: their admin lives beside it.
from . import transfer_admin  # noqa: E402, F401
