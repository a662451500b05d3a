"""The roster import in the admin: a form (agency, file, dry run) over the same import service
as the API and the command line, with the same report."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from policy.errors import NotAllowed

from .models import Agency
from .roles import roles_of
from .roster import import_roster


class RosterImportForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), to_field_name="code")
    file = forms.FileField(
        help_text="An Excel workbook (.xlsx) or CSV file in the template's columns."
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Check the file and count; save nothing."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_of(user)
        agencies = Agency.objects.all()
        if not roles.is_admin:
            agencies = agencies.filter(pk__in=roles.coordinator_agency_ids)
        self.fields["agency"].queryset = agencies


def roster_import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = RosterImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_roster(
                agency=form.cleaned_data["agency"],
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except NotAllowed as exc:
            form.add_error("agency", str(exc))
        else:
            if result.ok and not result.dry_run:
                model_admin.message_user(request, result.detail, messages.SUCCESS)
                return redirect("admin:agencies_enrollment_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import a roster",
        "form": form,
        "result": result,
    }
    return TemplateResponse(request, "admin/agencies/enrollment/import_roster.html", context)
