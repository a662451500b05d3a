"""The admin for transfers: started, accepted and cancelled through the same service as the
API (hours.services.transfers). An administrator's transfer is done at once; nothing is edited
or deleted."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect

from agencies.models import Transfer
from agencies.roles import roles_of
from policy.errors import NotAllowed, StateConflict
from policy.rules import PolicyViolation

from .admin import _run
from .services import transfers


class TransferForm(forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["employee", "to_agency", "effective_on"]

    def clean(self):
        data = super().clean()
        # The agency moved from is the employee's: the model's constraints weigh it.
        if data.get("employee"):
            self.instance.from_agency = data["employee"].agency
        return data


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    form = TransferForm
    list_display = [
        "employee",
        "from_agency",
        "to_agency",
        "effective_on",
        "status",
        "started_by",
        "accepted_by",
    ]
    list_filter = ["status", "from_agency", "to_agency"]
    search_fields = [
        "employee__employee_number",
        "employee__user__first_name",
        "employee__user__last_name",
    ]
    list_select_related = ["employee__user", "from_agency", "to_agency", "started_by"]
    raw_id_fields = ["employee"]
    date_hierarchy = "effective_on"
    actions = ["accept", "cancel"]

    def get_queryset(self, request):
        # Staff who are not superusers (a coordinator given admin access) see their agencies'.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        agencies = roles_of(request.user).coordinator_agency_ids
        return queryset.filter(Q(from_agency_id__in=agencies) | Q(to_agency_id__in=agencies))

    def has_change_permission(self, request, obj=None):
        return obj is None  # a transfer is accepted or cancelled, not edited

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, *args, **kwargs):
        # A refusal only the service knows (a month already sent, say) is shown as a message,
        # and nothing is saved.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (NotAllowed, PolicyViolation, StateConflict, ValidationError) as error:
            text = (
                error.detail
                if isinstance(error, PolicyViolation | StateConflict)
                else "; ".join(getattr(error, "messages", [str(error)]))
            )
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        outcome = transfers.transfer_start(
            by=request.user,
            employee=data["employee"],
            to_agency=data["to_agency"],
            effective_on=data["effective_on"],
        )
        obj.pk = outcome.transfer.pk
        if outcome.notice:
            self.message_user(request, outcome.notice, messages.INFO)

    @admin.action(description="Accept the selected transfers (receiving agency)")
    def accept(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda transfer: transfers.transfer_accept(by=request.user, transfer=transfer),
            "transfers done",
        )

    @admin.action(description="Cancel the selected proposed transfers")
    def cancel(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda transfer: transfers.transfer_cancel(by=request.user, transfer=transfer),
            "transfers cancelled",
        )
