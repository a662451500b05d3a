"""The pages of each role, over the same selectors and services as the API.

Objects are looked up in the API's scoped querysets, so what is out of reach answers 404; a
service's NotAllowed answers 403, a broken rule re-renders the page with the policy's sentence
next to its field (400), a state conflict does the same above the form (409).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as ParamError

from agencies import roster as roster_import
from agencies.models import Agency, Employee
from agencies.roles import Roles, employee_of, roles_of
from agencies.roster_apis import MULTIPART_OVERHEAD
from hours import policy, selectors, services
from hours.errors import NotAllowed, StateConflict
from hours.models import LeaveRequest, PersonalHours
from leave_tracker.params import year_param

from . import pages
from . import selectors as web
from .forms import (
    LeaveRequestForm,
    PersonalHoursForm,
    ReasonForm,
    RosterImportForm,
    VerifyForm,
)

QUEUE_PAGE_SIZE = 50
SERVICE_ERRORS = (policy.PolicyViolation, ValidationError, StateConflict)


def agency_workbook_url(code: str, year: int) -> str:
    return f"/api/v1/reports/agency/{code}/?year={year}"


def adoption_workbook_url(year: int) -> str:
    return f"/api/v1/reports/adoption/?year={year}"


def _page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    roles = roles_of(request.user)
    context = {"roles": roles, "nav": _nav(roles), **context}
    return render(request, template, context, status=status)


def _nav(roles: Roles) -> list[tuple[str, str]]:
    items = []
    if roles.employee_id:
        items.append(("My mentoring year", reverse("web:my-year")))
    if roles.is_coordinator or roles.is_admin:
        items.append(("Queue", reverse("web:queue")))
        items.append(("Roster", reverse("web:roster")))
    if roles.reads_everything:
        items.append(("Adoption", reverse("web:adoption")))
    return items


def _year(request, *, default: int) -> int | HttpResponse:
    """The ?year= of the page, checked as the API checks it (leave_tracker.params)."""
    try:
        return year_param(SimpleNamespace(query_params=request.GET), default=default)
    except ParamError as error:
        detail = error.detail.get("year") if isinstance(error.detail, dict) else error.detail
        message = detail if isinstance(detail, str) else " ".join(str(d) for d in detail)
        return _page(request, "web/error.html", {"message": message}, status=400)


def _status_of(error: Exception) -> int:
    return 409 if isinstance(error, StateConflict) else 400


# --- Home ---------------------------------------------------------------------------------------


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a person with one role straight to its pages; show the choice to the others."""
    nav = _nav(roles_of(request.user))
    if len(nav) == 1:
        return redirect(nav[0][1])
    return _page(request, "web/home.html", {})


# --- The employee: My mentoring year ------------------------------------------------------------


def _not_enrolled_today(employee: Employee, *, today, params) -> str | None:
    """The policy's sentence if the employee is not on an active roster today, else None."""
    try:
        policy.check_enrolled_on(
            on=today, enrollments=selectors.enrollment_facts(employee_id=employee.pk), params=params
        )
    except policy.PolicyViolation as violation:
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
    today = selectors.today()
    figures = selectors.balance_for(employee_id=employee.pk, year=year)
    params = selectors.policy_params(year)
    this_year = (
        params if year == today.year else selectors.policy_params(today.year)
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
            if r.status == LeaveRequest.Status.PENDING
            or (r.status == LeaveRequest.Status.APPROVED and r.date > today)
        },
        "years": [today.year - 1, today.year],
    }
    return _page(request, "web/my_year.html", context, status=status)


@require_GET
@login_required
def my_year(request: HttpRequest) -> HttpResponse:
    employee = _own_employee(request)
    year = _year(request, default=selectors.today().year)
    if isinstance(year, HttpResponse):
        return year
    return _my_year_page(request, employee, year=year)


@require_POST
@login_required
def personal_hours_log(request: HttpRequest) -> HttpResponse:
    employee = _own_employee(request)
    today = selectors.today()
    form = PersonalHoursForm(request.POST, params=selectors.policy_params(today.year), today=today)
    status = 400
    if form.is_valid():
        try:
            entry = services.personal_hours_log(
                employee=employee, by=request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
            status = _status_of(error)
        else:
            messages.success(
                request,
                f"Logged {policy.plural_hours(entry.hours)} of personal mentoring on "
                f"{entry.date:%B %-d, %Y}. Your coordinator will verify them with "
                f"{entry.organization.name}.",
            )
            return redirect("web:my-year")
    return _my_year_page(request, employee, year=today.year, hours_form=form, status=status)


@require_POST
@login_required
def leave_request_create(request: HttpRequest) -> HttpResponse:
    employee = _own_employee(request)
    today = selectors.today()
    form = LeaveRequestForm(request.POST, params=selectors.policy_params(today.year))
    status = 400
    if form.is_valid():
        try:
            leave = services.leave_request_create(
                employee=employee, by=request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
            status = _status_of(error)
        else:
            messages.success(
                request,
                f"Requested {policy.plural_hours(leave.hours)} of paid mentoring leave on "
                f"{leave.date:%B %-d, %Y}. It waits for your coordinator's approval.",
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
        return _my_year_page(request, employee, year=leave.date.year, status=_status_of(error))
    messages.success(request, f"Cancelled your request for {leave.date:%B %-d, %Y}.")
    return redirect("web:my-year")


# --- The coordinator: the queues ----------------------------------------------------------------


def _require_coordinator(roles: Roles) -> None:
    if not (roles.is_coordinator or roles.is_admin):
        raise PermissionDenied("Only a pilot coordinator can see the queues.")


def _queue_page(
    request,
    *,
    bound: dict[str, object] | None = None,
    error: str | None = None,
    error_anchor: str = "",
    bulk: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The queues; `bound` holds a submitted item form (by prefix) to show with its errors."""
    roles = roles_of(request.user)
    _require_coordinator(roles)
    bound = bound or {}
    requests_page = Paginator(web.pending_requests(roles), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("requests")
    )
    hours_page = Paginator(web.hours_awaiting_verification(roles), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("hours")
    )
    figures = web.figures_for_requests(list(requests_page))
    for form in bound.values():
        form.focus_first_error()
    today = selectors.today()
    requests_rows = [
        {
            "item": r,
            "figures": figures[r.pk],
            "deny": bound.get(f"deny-{r.pk}") or ReasonForm(prefix=f"deny-{r.pk}"),
        }
        for r in requests_page
    ]
    hours_rows = [
        {
            "item": h,
            "verify": bound.get(f"verify-{h.pk}") or VerifyForm(prefix=f"verify-{h.pk}"),
            "reject": bound.get(f"reject-{h.pk}") or ReasonForm(prefix=f"reject-{h.pk}"),
        }
        for h in hours_page
    ]
    agencies = list(web.agencies_coordinated(roles))
    context = {
        "requests_page": requests_page,
        "requests_rows": requests_rows,
        "hours_page": hours_page,
        "hours_rows": hours_rows,
        "error": error,
        "error_anchor": error_anchor,
        "error_has_field": any(
            name in form.fields for form in bound.values() for name in form.errors
        ),
        "bulk": bulk,
        "workbooks": [(a, agency_workbook_url(a.code, today.year)) for a in agencies],
        "year": today.year,
    }
    return _page(request, "web/queue.html", context, status=status)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


def _reachable(model, request, pk: int):
    """The object within the user's reach, as the API finds it (404 otherwise)."""
    queryset = model.objects.select_related("employee__user", "employee__agency", "organization")
    return get_object_or_404(web.scoped_entries(queryset, roles_of(request.user)), pk=pk)


def _decide(request, *, action, prefix: str, form=None, anchor: str, done: str) -> HttpResponse:
    """Run one decision; on a broken rule, show the queue again with the error in place."""
    try:
        action(**(form.cleaned_data if form is not None else {}))
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except SERVICE_ERRORS as error:
        message = getattr(error, "detail", None) or "; ".join(getattr(error, "messages", []))
        bound = {}
        if form is not None:
            form.add_service_error(error)
            bound[prefix] = form
        return _queue_page(
            request, bound=bound, error=message, error_anchor=anchor, status=_status_of(error)
        )
    messages.success(request, done)
    return redirect("web:queue")


def _who(entry) -> str:
    return entry.employee.user.get_full_name() or entry.employee.employee_number


@require_POST
@login_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _reachable(LeaveRequest, request, pk)
    return _decide(
        request,
        action=lambda: services.leave_request_approve(request=leave, by=request.user),
        prefix="",
        anchor=f"request-{pk}",
        done=f"Approved {policy.plural_hours(leave.hours)} for {_who(leave)} on "
        f"{leave.date:%B %-d, %Y}.",
    )


@require_POST
@login_required
def request_deny(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _reachable(LeaveRequest, request, pk)
    prefix = f"deny-{pk}"
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _queue_page(request, bound={prefix: form}, status=400)
    return _decide(
        request,
        action=lambda reason: services.leave_request_deny(
            request=leave, by=request.user, reason=reason
        ),
        prefix=prefix,
        form=form,
        anchor=f"request-{pk}",
        done=f"Denied the request of {_who(leave)} for {leave.date:%B %-d, %Y}.",
    )


@require_POST
@login_required
def hours_verify(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _reachable(PersonalHours, request, pk)
    prefix = f"verify-{pk}"
    form = VerifyForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _queue_page(request, bound={prefix: form}, status=400)
    return _decide(
        request,
        action=lambda verified_by_name, verified_on: services.personal_hours_verify(
            entry=entry, by=request.user, verified_by_name=verified_by_name, verified_on=verified_on
        ),
        prefix=prefix,
        form=form,
        anchor=f"hours-{pk}",
        done=f"Verified {policy.plural_hours(entry.hours)} of {_who(entry)} on "
        f"{entry.date:%B %-d, %Y}.",
    )


@require_POST
@login_required
def hours_reject(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _reachable(PersonalHours, request, pk)
    prefix = f"reject-{pk}"
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _queue_page(request, bound={prefix: form}, status=400)
    return _decide(
        request,
        action=lambda reason: services.personal_hours_reject(
            entry=entry, by=request.user, reason=reason
        ),
        prefix=prefix,
        form=form,
        anchor=f"hours-{pk}",
        done=f"Rejected {policy.plural_hours(entry.hours)} of {_who(entry)} on "
        f"{entry.date:%B %-d, %Y}.",
    )


@require_POST
@login_required
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """Approve the ticked requests, each on its own, and say which passed and why not."""
    roles = roles_of(request.user)
    _require_coordinator(roles)
    try:
        ids = list(dict.fromkeys(int(value) for value in request.POST.getlist("ids")))
    except ValueError:
        ids = None
    if not ids or len(ids) > 200 or min(ids) < 1:
        return _queue_page(request, error="Tick between 1 and 200 requests to approve.", status=400)
    queryset = web.scoped_entries(
        LeaveRequest.objects.select_related("employee__user", "employee__agency", "organization"),
        roles,
    )
    found = {leave.pk: leave for leave in queryset.filter(pk__in=ids)}
    results = {
        result.id: result
        for result in services.leave_requests_bulk_approve(
            requests=[found[i] for i in ids if i in found], by=request.user
        )
    }
    rows = []
    for i in ids:
        result = results.get(i)
        rows.append(
            {
                "id": i,
                "leave": found.get(i),
                "approved": bool(result and result.approved),
                "code": result.code if result else "not_found",
                "detail": result.detail if result else "No such request within your reach.",
            }
        )
    approved = sum(1 for row in rows if row["approved"])
    bulk = {"approved": approved, "refused": len(rows) - approved, "rows": rows}
    return _queue_page(request, bulk=bulk)


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
    _require_coordinator(roles)
    agencies = list(web.agencies_coordinated(roles))
    if not agencies:
        return _page(request, "web/error.html", {"message": "No agency to show."}, status=404)
    code = request.GET.get("agency") or agencies[0].code
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        return _page(
            request, "web/error.html", {"message": "No such agency within your reach."}, status=404
        )
    form = RosterImportForm()
    result, status = None, 200
    if request.method == "POST":
        result, form = _roster_import(request, agency)
        status = result.status if result is not None else 400
        form.focus_first_error()
    year = selectors.today().year
    context = {
        "agency": agency,
        "agencies": agencies,
        "enrollments": list(web.roster_of(agency)),
        "form": form,
        "result": result,
        "workbook_url": agency_workbook_url(agency.code, year),
        "template_url": f"/api/v1/enrollments/template/?agency={agency.code}",
        "export_url": f"/api/v1/enrollments/export/?agency={agency.code}",
        "year": year,
    }
    return _page(request, "web/roster.html", context, status=status)


# --- The workgroup: adoption --------------------------------------------------------------------


@require_GET
@login_required
def adoption(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not roles.reads_everything:
        raise PermissionDenied("The adoption figures are the workgroup's.")
    this_year = selectors.today().year
    year = _year(request, default=this_year)
    if isinstance(year, HttpResponse):
        return year
    figures = web.adoption(year=year)
    context = {
        "year": year,
        "years": list(range(this_year - 2, this_year + 1)),
        "adoption": figures,
        "chart": pages.month_chart(figures.months),
        "adoption_url": adoption_workbook_url(year),
        "workbooks": [(row, agency_workbook_url(row.code, year)) for row in figures.rows],
    }
    return _page(request, "web/adoption.html", context)
