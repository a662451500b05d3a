"""The employee's page: My mentoring year, logging hours, requesting and cancelling leave."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounting import selectors as accounting
from agencies.models import Employee
from agencies.roles import own_employee, roles_of
from hours import selectors, services
from hours.models import LeaveRequest, PersonalHours
from policy import dates, rules
from policy.errors import NotAllowed
from policy.selectors import policy_params
from web import pages
from web import selectors as web
from web.forms import (
    LeaveRequestForm,
    PersonalHoursForm,
    ProfileForm,
)

from .common import SERVICE_ERRORS, render_page, status_of, year_of

# --- The employee: My mentoring year ------------------------------------------------------------

# The same entry again within this time is taken for the form sent twice, unless confirmed.
REPEAT_WINDOW = dt.timedelta(minutes=10)


def _not_enrolled_today(employee: Employee, *, today, params) -> str | None:
    """The policy's sentence if the employee is not on an active roster today, else None."""
    try:
        rules.check_enrolled_on(
            on=today, enrollments=selectors.enrollment_facts(employee_id=employee.pk), params=params
        )
    except rules.PolicyViolation as violation:
        return violation.detail
    return None


def my_year_page(
    request,
    employee: Employee,
    *,
    year: int,
    hours_form: PersonalHoursForm | None = None,
    leave_form: LeaveRequestForm | None = None,
    profile_form: ProfileForm | None = None,
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
        # No date suggested: today's date would add paid hours to the personal hours just
        # logged for today and hit the daily limit. The form lists the days already in use.
        leave_form = LeaveRequestForm(params=this_year, initial={"organization": organization})
    organizations = web.organizations()
    for form in (hours_form, leave_form):
        form.use_organizations(organizations)
    if profile_form is None:
        user = employee.user
        names = {"first_name": user.first_name, "last_name": user.last_name}
        profile_form = ProfileForm(initial={**names, "email": user.email})
    for form in (hours_form, leave_form, profile_form):
        form.focus_first_error()
    leave = list(web.leave_requests_of(employee_id=employee.pk, year=year))
    personal_hours = list(web.personal_hours_of(employee_id=employee.pk, year=year))
    sent = accounting.batches_for_requests(r.pk for r in leave)
    for r in leave:  # where each request stands with leave accounting
        r.sent_in, r.undone_in = sent.get(r.pk, (None, None))
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
        "profile_form": profile_form,
        "personal_hours": personal_hours,
        "days_in_use": pages.days_in_use(personal_hours, leave, today=today, params=this_year),
        "paid_committed": figures.committed,
        "at_cap": figures.committed >= figures.cap,
        "params": this_year,
        "hr_manual_url": pages.HR_MANUAL_URL,
        "leave_requests": leave,
        "cancellable": {r.pk for r in leave if services.is_cancellable(r, today=today)},
        "years": [today.year - 1, today.year],
    }
    return render_page(request, "web/my_year.html", context, status=status)


@require_GET
@login_required
def my_year(request: HttpRequest) -> HttpResponse:
    employee = own_employee(request.user)
    year = year_of(request, default=dates.today().year)
    if isinstance(year, HttpResponse):
        return year
    return my_year_page(request, employee, year=year)


def _sent_twice(form, model, employee: Employee, also: tuple[str, ...]) -> bool:
    """True (and the form says so) when the same entry was made in the last few minutes and
    the person has not ticked that this one is another: the Back button refills a form, and
    a second click would record the same hours twice."""
    if form.repeat_confirmed:
        return False
    data = form.cleaned_data
    same = web.recent_same_entry(
        model,
        employee_id=employee.pk,
        since=timezone.now() - REPEAT_WINDOW,
        date=data["date"],
        hours=data["hours"],
        organization=data["organization"],
        **{name: data[name] for name in also},
    )
    if same is None:
        return False
    made = timezone.localtime(same.created_at)
    what = "logged" if model is PersonalHours else "requested"
    form.offer_repeat(
        f"You {what} the same {rules.plural_hours(same.hours)} for {same.date:%B %-d, %Y} at "
        f"{made:%-I:%M %p}, a moment ago; it is in your history below. Nothing new was saved. "
        "If this is another entry, tick the box and send it again."
    )
    return True


@require_POST
@login_required
def personal_hours_log(request: HttpRequest) -> HttpResponse:
    employee = own_employee(request.user)
    today = dates.today()
    form = PersonalHoursForm(request.POST, params=policy_params(today.year), today=today)
    status = 400
    if form.is_valid() and _sent_twice(form, PersonalHours, employee, ("source",)):
        status = 409
    elif form.is_valid():
        try:
            entry = services.personal_hours_log(
                employee=employee, by=request.user, **form.service_data()
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
    return my_year_page(request, employee, year=today.year, hours_form=form, status=status)


@require_POST
@login_required
def leave_request_create(request: HttpRequest) -> HttpResponse:
    employee = own_employee(request.user)
    today = dates.today()
    form = LeaveRequestForm(request.POST, params=policy_params(today.year))
    status = 400
    if form.is_valid() and _sent_twice(form, LeaveRequest, employee, ()):
        status = 409
    elif form.is_valid():
        try:
            leave = services.leave_request_create(
                employee=employee, by=request.user, **form.service_data()
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
    return my_year_page(request, employee, year=today.year, leave_form=form, status=status)


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
        employee = own_employee(request.user)
        return my_year_page(request, employee, year=leave.date.year, status=status_of(error))
    messages.success(request, f"Cancelled your request for {leave.date:%B %-d, %Y}.")
    return redirect("web:my-year")
