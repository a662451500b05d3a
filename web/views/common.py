"""What every page shares: the layout, the navigation, the year and the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ValidationError as ParamError

from agencies.roles import Roles, roles_of
from policy import rules
from policy.errors import StateConflict
from policy.params import year_param
from web import selectors

QUEUE_PAGE_SIZE = 50
SERVICE_ERRORS = (rules.PolicyViolation, ValidationError, StateConflict)


def agency_workbook_url(code: str, year: int) -> str:
    return f"{reverse('report-agency-workbook', args=[code])}?year={year}"


def adoption_workbook_url(year: int) -> str:
    return f"{reverse('report-adoption-workbook')}?year={year}"


def render_page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    roles = roles_of(request.user)
    if "nav" not in context:
        context = {"nav": _nav(roles, request.user), **context}
    context = {"roles": roles, **context}
    if "waiting" not in context:
        context["waiting"] = _waiting(roles)
    return render(request, template, context, status=status)


def _waiting(roles: Roles) -> int | None:
    """The count of what waits in a coordinator's queue; None for everyone else."""
    if not roles.is_coordinator:
        return None
    return selectors.waiting_count(roles)


TEAM_REQUESTS = "Team requests"


def _nav(roles: Roles, user=None) -> list[tuple[str, str]]:
    """The header's pages. The supervisor's page and the coordinator's are named apart ("Team
    requests", "Queue"), since one person may be both."""
    items = []
    links = selectors.approver_links(user) if user is not None and roles.employee_id else None
    if links is not None and links.team:
        items.append((TEAM_REQUESTS, reverse("web:waiting")))
    if roles.employee_id:
        items.append(("My mentoring year", reverse("web:my-year")))
    coordinates = roles.is_coordinator or roles.is_admin
    if coordinates or (links is not None and links.stands_in_for_coordinator):
        items.append(("Queue", reverse("web:queue")))
    if coordinates:
        items.append(("Roster", reverse("web:roster")))
        items.append(("Leave accounting", reverse("web:leave-accounting")))
    if roles.reads_everything:
        items.append(("Adoption", reverse("web:adoption")))
    return items


def year_of(request, *, default: int) -> int | HttpResponse:
    """The ?year= of the page, checked as the API checks it (policy.params)."""
    try:
        return year_param(request.GET, default=default)
    except ParamError as error:
        detail = error.detail.get("year") if isinstance(error.detail, dict) else error.detail
        message = detail if isinstance(detail, str) else " ".join(str(d) for d in detail)
        return render_page(request, "web/error.html", {"message": message}, status=400)


def status_of(error: Exception) -> int:
    return 409 if isinstance(error, StateConflict) else 400


def message_of(error: Exception) -> str:
    """A service error's sentence: a rule's or a conflict's detail, or a ValidationError's
    messages joined."""
    return str(getattr(error, "detail", None) or "; ".join(getattr(error, "messages", [])))


# --- Home ---------------------------------------------------------------------------------------


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a person with one role straight to its pages; show the choice to the others."""
    roles = roles_of(request.user)
    # A coordinator with something waiting starts where it waits.
    waiting = _waiting(roles)
    if waiting:
        return redirect("web:queue")
    nav = _nav(roles, request.user)
    # A supervisor lands on their team's requests, unless they also coordinate or read all.
    if len(nav) == 1 or (len(nav) == 2 and nav[0][0] == TEAM_REQUESTS):
        return redirect(nav[0][1])
    return render_page(request, "web/home.html", {"nav": nav, "waiting": waiting})
