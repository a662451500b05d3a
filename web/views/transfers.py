"""The coordinator's transfers page: move an employee to another agency on a date, and accept
or cancel the transfers waiting between the coordinator's agencies and others, over the same
service as the API's transfers/ (hours.services.transfers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Employee, Transfer
from agencies.roles import roles_of
from hours.services import transfers as service
from policy import dates
from policy.errors import NotAllowed
from web import selectors as web
from web.forms import TransferForm

from .common import SERVICE_ERRORS, message_of, render_page, status_of
from .queue import require_coordinator

SHOWN = 200  # the latest transfers listed; the API lists every one


def _page(request, *, form=None, error: str = "", status: int = 200) -> HttpResponse:
    roles = roles_of(request.user)
    listed = web.transfers_within(roles)
    rows = list(listed[:SHOWN])
    return render_page(
        request,
        "web/transfers.html",
        {
            "form": form or TransferForm(),
            "transfers": rows,
            "total": listed.count() if len(rows) == SHOWN else len(rows),
            "today": dates.today(),
            "accepting": roles.coordinator_agency_ids,
            "is_admin": roles.is_admin,
            "error": error,
        },
        status=status,
    )


def _who(employee: Employee) -> str:
    return employee.user.get_full_name() or employee.employee_number


def _started(outcome: service.TransferOutcome) -> str:
    transfer = outcome.transfer
    who = _who(transfer.employee)
    if transfer.status == Transfer.Status.PROPOSED:
        return (
            f"The transfer of {who} to {transfer.to_agency.code} from "
            f"{transfer.effective_on:%B %-d, %Y} awaits a coordinator of "
            f"{transfer.to_agency.code}, who accepts it."
        )
    return f"{who} is now in {transfer.to_agency.code}. {outcome.notice}".strip()


@require_http_methods(["GET", "POST"])
@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    require_coordinator(roles)
    if request.method == "GET":
        return _page(request)
    form = TransferForm(request.POST)
    if not form.is_valid():
        form.focus_first_error()
        return _page(request, form=form, status=400)
    number = form.cleaned_data["employee_number"].strip()
    employees = Employee.objects.select_related("agency", "user")
    if not roles.is_admin:
        employees = employees.filter(agency_id__in=roles.coordinator_agency_ids)
    employee = employees.filter(employee_number=number).first()
    if employee is None:
        form.add_error("employee_number", f"No employee numbered {number} in your agencies.")
        form.focus_first_error()
        return _page(request, form=form, status=400)
    try:
        outcome = service.transfer_start(
            by=request.user,
            employee=employee,
            to_agency=form.cleaned_data["to_agency"],
            effective_on=form.cleaned_data["effective_on"],
        )
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except SERVICE_ERRORS as error:
        form.add_service_error(error)
        form.focus_first_error()
        return _page(request, form=form, status=status_of(error))
    messages.success(request, _started(outcome))
    return redirect("web:transfers")


def _transfer_within_reach(request, pk: int) -> Transfer:
    transfer = web.transfers_within(roles_of(request.user)).filter(pk=pk).first()
    if transfer is None:
        raise Http404("No such transfer within your reach.")
    return transfer


def _act(request, pk: int, action, done) -> HttpResponse:
    roles = roles_of(request.user)
    require_coordinator(roles)
    transfer = _transfer_within_reach(request, pk)
    try:
        outcome = action(by=request.user, transfer=transfer)
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except SERVICE_ERRORS as error:
        message = message_of(error)
        return _page(request, error=message, status=status_of(error))
    messages.success(request, done(outcome))
    return redirect("web:transfers")


@require_POST
@login_required
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, service.transfer_accept, _started)


@require_POST
@login_required
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def cancelled(transfer: Transfer) -> str:
        return (
            f"The transfer of {_who(transfer.employee)} to {transfer.to_agency.code} is cancelled."
        )

    return _act(request, pk, service.transfer_cancel, cancelled)
