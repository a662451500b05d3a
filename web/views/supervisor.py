"""The supervisor's page, "Team requests waiting for you": the team's requests to approve or deny
for operational needs (also for a supervisor one stands in for today)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from agencies import approvals
from hours import services
from policy import rules
from web import selectors as web
from web.forms import ReasonForm

from .common import render_page
from .deciding import decide, deny_form, who


def _page(request, *, bound: dict | None = None, error: str | None = None, status: int = 200):
    if not approvals.supervises_anyone(request.user):
        raise PermissionDenied("Nobody reports to you, and you stand in for nobody today.")
    bound = bound or {}
    for form in bound.values():
        form.focus_first_error()
    rows = [
        {"item": r, "deny": deny_form(ReasonForm, r, bound)}
        for r in web.awaiting_supervisor_of(request.user)
    ]
    context = {"rows": rows, "error": error}
    return render_page(request, "web/waiting.html", context, status=status)


@require_GET
@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _reachable(request, pk: int):
    return get_object_or_404(web.awaiting_supervisor_of(request.user).select_related(None), pk=pk)


def _decide(request, **kwargs) -> HttpResponse:
    return decide(request, page=_page, redirect_to="web:waiting", **kwargs)


@require_POST
@login_required
def supervisor_approve(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _reachable(request, pk)
    return _decide(
        request,
        action=lambda: services.leave_request_supervisor_approve(request=leave, by=request.user),
        done=f"Approved {rules.plural_hours(leave.hours)} for {who(leave)} on "
        f"{leave.date:%B %-d, %Y}; it goes to the coordinator.",
    )


@require_POST
@login_required
def supervisor_deny(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _reachable(request, pk)
    prefix = f"deny-{pk}"
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _page(request, bound={prefix: form}, status=400)
    return _decide(
        request,
        action=lambda reason: services.leave_request_supervisor_deny(
            request=leave, by=request.user, reason=reason
        ),
        prefix=prefix,
        form=form,
        done=f"Denied the request of {who(leave)} for {leave.date:%B %-d, %Y}.",
    )
