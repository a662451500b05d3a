"""The coordinator's leave accounting page: months, what is not yet sent, the sent batches,
their downloads, and sending a month (with a confirmation)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounting import periods, selectors, services
from accounting.models import Batch
from agencies.models import Agency
from agencies.roles import Roles, roles_of
from policy import dates
from policy.errors import NotAllowed

from .common import render_page

MONTHS_SHOWN = 12
API = "/api/v1/reports/leave-accounting"


def _agencies(roles: Roles):
    if not (roles.reads_everything or roles.is_coordinator):
        raise PermissionDenied("Only coordinators and the workgroup read leave accounting.")
    agencies = Agency.objects.order_by("code")
    if not roles.reads_everything:
        agencies = agencies.filter(pk__in=roles.coordinator_agency_ids)
    return list(agencies)


def _not_found(request, message: str) -> HttpResponse:
    return render_page(request, "web/error.html", {"message": message}, status=404)


def _default_period(agency: Agency) -> dt.date:
    """The month after the last one sent (the next to send), or last month."""
    this_month = periods.month_of(dates.today())
    last = selectors.last_sent_period(agency)
    if last is None:
        return (this_month - dt.timedelta(days=1)).replace(day=1)
    return min(periods.next_month(last), this_month)


def _page(
    request, roles: Roles, agency: Agency, agencies, period: dt.date, *, error="", status=200
):
    this_month = periods.month_of(dates.today())
    batches = list(selectors.batches_of(agency))
    by_period = {batch.period: batch for batch in batches}
    unsent = selectors.unsent_by_month(agency=agency)
    months, month = [], this_month
    for _ in range(MONTHS_SHOWN):
        count, hours = unsent.get(month, (0, None))
        months.append(
            {
                "period": month,
                "code": periods.code(month),
                "batch": by_period.get(month),
                "unsent_count": count,
                "unsent_hours": hours,
            }
        )
        month = (month - dt.timedelta(days=1)).replace(day=1)
    batch = by_period.get(period)
    export = (
        selectors.batch_export(batch)
        if batch is not None
        else selectors.unsent_export(agency=agency, period=period)
    )
    later = next((b for b in batches if b.period > period), None)
    base = (
        f"{API}/{agency.code}/batches/{batch.number}/"
        if batch is not None
        else f"{API}/{agency.code}/?period={periods.code(period)}"
    )
    context = {
        "agency": agency,
        "agencies": agencies,
        "period": period,
        "period_code": periods.code(period),
        "period_label": periods.label(period),
        "months": months,
        "export": export,
        "batch": batch,
        "later": later,
        "batches": [(b, f"{API}/{agency.code}/batches/{b.number}/") for b in batches],
        "download_url": f"{base}{'?' if batch is not None else '&'}format=xlsx",
        "csv_url": f"{base}{'?' if batch is not None else '&'}format=csv",
        "may_send": roles.coordinates(agency.pk)
        and batch is None
        and later is None
        and bool(export.lines),
        "error": error,
    }
    return render_page(request, "web/leave_accounting.html", context, status=status)


@require_GET
@login_required
def leave_accounting(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    agencies = _agencies(roles)
    if not agencies:
        return _not_found(request, "No agency to show.")
    code = request.GET.get("agency") or agencies[0].code
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        return _not_found(request, "No such agency within your reach.")
    raw = request.GET.get("period")
    try:
        period = periods.parse_period(raw) if raw else _default_period(agency)
    except ValidationError as error:
        return render_page(
            request, "web/error.html", {"message": error.message_dict["period"][0]}, status=400
        )
    return _page(request, roles, agency, agencies, period)


@require_POST
@login_required
def leave_accounting_send(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    agencies = _agencies(roles)
    agency = next((a for a in agencies if a.code == request.POST.get("agency")), None)
    if agency is None:
        return _not_found(request, "No such agency within your reach.")
    if not roles.coordinates(agency.pk):
        raise PermissionDenied("Only the agency's coordinators send its leave to accounting.")
    try:
        period = periods.parse_period(request.POST.get("period"))
    except ValidationError as error:
        return render_page(
            request, "web/error.html", {"message": error.message_dict["period"][0]}, status=400
        )
    if request.POST.get("confirm") != "yes":
        return _page(
            request,
            roles,
            agency,
            agencies,
            period,
            error="Tick the box to confirm that these lines go to leave accounting.",
            status=400,
        )
    try:
        batch = services.batch_send(agency=agency, period=period, by=request.user)
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except ValidationError as error:
        return _page(
            request,
            roles,
            agency,
            agencies,
            period,
            error=error.message_dict["period"][0],
            status=400,
        )
    count = Batch.objects.get(pk=batch.pk).lines.count()
    messages.success(
        request,
        f"Sent {periods.label(period)} to leave accounting as batch {batch.number} "
        f"({count} line{'s' if count != 1 else ''}).",
    )
    url = reverse("web:leave-accounting")
    return redirect(f"{url}?agency={agency.code}&period={periods.code(period)}")
