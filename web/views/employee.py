"""The employee's page: My mentoring year, logging hours, requesting and cancelling leave."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from agencies.models import Employee
from agencies.roles import employee_of, roles_of
from hours import selectors, services
from hours.models import LeaveRequest
from policy import dates, rules
from policy.errors import NotAllowed
from policy.selectors import policy_params
from web import pages
from web import selectors as web
from web.forms import (
    LeaveRequestForm,
    PersonalHoursForm,
)

from .common import SERVICE_ERRORS, render_page, status_of, year_of

# --- The employee: My mentoring year ------------------------------------------------------------


def _not_enrolled_today(employee: Employee, *, today, params) -> str | None:
    """The policy's sentence if the employee is not on an active roster today, else None."""
    try:
        rules.check_enrolled_on(
            on=today, enrollments=selectors.enrollment_facts(employee_id=employee.pk), params=params
        )
    except rules.PolicyViolation as violation:
        return violation.detail
    return None


def _own_employee(request) -> Employee:
    employee = employee_of(request.user)
    if employee is None:
        raise PermissionDenied(
            "Only a state employee with a profile can log hours or request leave."
        )
    return employee


def _my_year_page(
    request,
    employee: Employee,
    *,
    year: int,
    hours_form: PersonalHoursForm | None = None,
    leave_form: LeaveRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = dates.today()
    figures = selectors.balance_for(employee_id=employee.pk, year=year)
    params = policy_params(year)
    this_year = (
        params if year == today.year else policy_params(today.year)
    )  # the forms log in this year
    organization = web.enrolled_organization_id(employee_id=employee.pk)
    initial = {"date": today, "organization": organization}
    if hours_form is None:
        hours_form = PersonalHoursForm(
            params=this_year, today=today, initial={**initial, "source": "non_working_time"}
        )
    if leave_form is None:
        leave_form = LeaveRequestForm(params=this_year, initial=initial)
    organizations = web.organizations()
    for form in (hours_form, leave_form):
        form.use_organizations(organizations)
    for form in (hours_form, leave_form):
        form.focus_first_error()
    leave = list(web.leave_requests_of(employee_id=employee.pk, year=year))
    context = {
        "employee": employee,
        "year": year,
        "today": today,
        "figures": figures,
        "bars": pages.year_bars(figures, params=params),
        "next_step": pages.next_step(
            figures,
            params=params,
            eligibility=employee.eligibility,
            not_enrolled=_not_enrolled_today(employee, today=today, params=this_year),
        ),
        "hours_form": hours_form,
        "leave_form": leave_form,
        "personal_hours": list(web.personal_hours_of(employee_id=employee.pk, year=year)),
        "leave_requests": leave,
        "cancellable": {
            r.pk
            for r in leave
            if r.status in (LeaveRequest.Status.PENDING, LeaveRequest.Status.AWAITING_SUPERVISOR)
            or (r.status == LeaveRequest.Status.APPROVED and r.date > today)
        },
        "years": [today.year - 1, today.year],
    }
    return render_page(request, "web/my_year.html", context, status=status)


@require_GET
@login_required
def my_year(request: HttpRequest) -> HttpResponse:
    employee = _own_employee(request)
    year = year_of(request, default=dates.today().year)
    if isinstance(year, HttpResponse):
        return year
    return _my_year_page(request, employee, year=year)


@require_POST
@login_required
def personal_hours_log(request: HttpRequest) -> HttpResponse:
    employee = _own_employee(request)
    today = dates.today()
    form = PersonalHoursForm(request.POST, params=policy_params(today.year), today=today)
    status = 400
    if form.is_valid():
        try:
            entry = services.personal_hours_log(
                employee=employee, by=request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
            status = status_of(error)
        else:
            messages.success(
                request,
                f"Logged {rules.plural_hours(entry.hours)} of personal mentoring on "
                f"{entry.date:%B %-d, %Y}. Your coordinator will verify them with "
                f"{entry.organization.name}.",
            )
            return redirect("web:my-year")
    return _my_year_page(request, employee, year=today.year, hours_form=form, status=status)


@require_POST
@login_required
def leave_request_create(request: HttpRequest) -> HttpResponse:
    employee = _own_employee(request)
    today = dates.today()
    form = LeaveRequestForm(request.POST, params=policy_params(today.year))
    status = 400
    if form.is_valid():
        try:
            leave = services.leave_request_create(
                employee=employee, by=request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
            status = status_of(error)
        else:
            messages.success(
                request,
                f"Requested {rules.plural_hours(leave.hours)} of paid mentoring leave on "
                f"{leave.date:%B %-d, %Y}. It waits for your "
                + (
                    "supervisor's approval, then your coordinator's."
                    if leave.status == LeaveRequest.Status.AWAITING_SUPERVISOR
                    else "coordinator's approval."
                ),
            )
            return redirect("web:my-year")
    return _my_year_page(request, employee, year=today.year, leave_form=form, status=status)


@require_POST
@login_required
def leave_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    roles = roles_of(request.user)
    leave = get_object_or_404(web.scoped_entries(LeaveRequest.objects.all(), roles), pk=pk)
    try:
        services.leave_request_cancel(request=leave, by=request.user)
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except SERVICE_ERRORS as error:
        # Shown on the page rendered now, with the API's status (409 for a state conflict).
        messages.error(request, getattr(error, "detail", str(error)))
        employee = _own_employee(request)
        return _my_year_page(request, employee, year=leave.date.year, status=status_of(error))
    messages.success(request, f"Cancelled your request for {leave.date:%B %-d, %Y}.")
    return redirect("web:my-year")
