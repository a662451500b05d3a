"""The coordinator's roster page: the import and the export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agencies import roster as roster_import
from agencies.models import Agency
from agencies.roles import roles_of
from agencies.roster_apis import MULTIPART_OVERHEAD
from policy import dates
from policy.errors import NotAllowed
from web import selectors as web
from web.forms import (
    RosterImportForm,
)

from .common import agency_workbook_url, render_page
from .queue import require_coordinator

# --- The coordinator: the roster ----------------------------------------------------------------


def _roster_import(request, agency: Agency):
    """The import of agencies.roster, the same as the API's enrollments/import/."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.ROSTER_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD:
        # Refused before the body is read, as the API does.
        return roster_import.refused_as_too_large(agency=agency), RosterImportForm()
    form = RosterImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return None, form
    try:
        result = roster_import.import_roster(
            agency=agency,
            by=request.user,
            uploaded_file=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
        )
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    return result, RosterImportForm()


@require_http_methods(["GET", "POST"])
@login_required
def roster(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require_coordinator(roles)
    agencies = list(web.agencies_coordinated(roles))
    if not agencies:
        return render_page(request, "web/error.html", {"message": "No agency to show."}, status=404)
    code = request.GET.get("agency") or agencies[0].code
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        return render_page(
            request, "web/error.html", {"message": "No such agency within your reach."}, status=404
        )
    form = RosterImportForm()
    result, status = None, 200
    if request.method == "POST":
        result, form = _roster_import(request, agency)
        status = result.status if result is not None else 400
        form.focus_first_error()
    year = dates.today().year
    context = {
        "agency": agency,
        "agencies": agencies,
        "enrollments": list(web.roster_of(agency)),
        "form": form,
        "result": result,
        "workbook_url": agency_workbook_url(agency.code, year),
        "template_url": f"{reverse('enrollment-template')}?{urlencode({'agency': agency.code})}",
        "export_url": f"{reverse('enrollment-export')}?{urlencode({'agency': agency.code})}",
        "year": year,
    }
    return render_page(request, "web/roster.html", context, status=status)
