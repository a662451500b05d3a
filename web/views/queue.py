"""The coordinator's queues: requests to decide and personal hours to verify."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from agencies.roles import Roles, roles_of
from confirmations import selectors as confirmations
from confirmations.services import confirmation_requests_send
from hours import services
from hours.models import LeaveRequest, PersonalHours
from policy import dates, rules
from web import selectors as web
from web.forms import (
    ReasonForm,
    VerifyForm,
)

from .common import QUEUE_PAGE_SIZE, agency_workbook_url, render_page
from .deciding import decide, deny_form, labelled, who, whose

# --- The coordinator: the queues ----------------------------------------------------------------


def require_coordinator(roles: Roles) -> None:
    if not (roles.is_coordinator or roles.is_admin):
        raise PermissionDenied("Only a pilot coordinator can see the queues.")


@dataclass(frozen=True)
class QueueScope:
    """What the queue works with. `roles`: the user's own, widened by the agencies of the
    coordinators they stand in for today (`delegations`, running). Those coordinators' own
    entries stay out of the delegate's queue, as they stay out of the coordinator's (another
    coordinator decides them), and so do the delegate's own."""

    roles: Roles
    delegations: tuple = ()

    @property
    def stands_in(self) -> bool:
        return bool(self.delegations)

    def entries(self, queryset: QuerySet) -> QuerySet:
        """Hours or requests within reach (404 for the others), less the delegators' own."""
        return self._less_delegators(web.scoped_entries(queryset, self.roles))

    def _less_delegators(self, queryset: QuerySet) -> QuerySet:
        if not self.delegations:
            return queryset
        return queryset.exclude(employee__user_id__in={d.delegator_id for d in self.delegations})

    def pending_requests(self) -> QuerySet:
        return self._less_delegators(web.pending_requests(self.roles))

    def hours_awaiting_verification(self) -> QuerySet:
        return self._less_delegators(web.hours_awaiting_verification(self.roles))

    def with_supervisors(self) -> QuerySet:
        return self._less_delegators(web.with_supervisors(self.roles))


def queue_scope(user) -> QueueScope:
    roles = roles_of(user)
    if roles.is_admin or not web.approver_links(user).stands_in_for_coordinator:
        return QueueScope(roles)
    delegations = tuple(
        d
        for d in web.coordinators_stood_in_for(user)
        if d.agency_id not in roles.coordinator_agency_ids
    )
    if not delegations:
        return QueueScope(roles)
    widened = roles.coordinator_agency_ids | {d.agency_id for d in delegations}
    return QueueScope(
        dataclasses.replace(roles, coordinator_agency_ids=frozenset(widened)), delegations
    )


def _queue_page(
    request,
    *,
    bound: dict[str, object] | None = None,
    error: str | None = None,
    error_anchor: str = "",
    bulk: dict | None = None,
    confirm: dict | None = None,
    bulk_verify: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The queues; `bound` holds a submitted item form (by prefix) to show with its errors."""
    own = roles_of(request.user)
    scope = queue_scope(request.user)
    roles = scope.roles
    require_coordinator(roles)
    bound = bound or {}
    requests_page = Paginator(scope.pending_requests(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("requests")
    )
    hours_page = Paginator(scope.hours_awaiting_verification(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("hours")
    )
    figures = web.figures_for_requests(list(requests_page))
    for form in bound.values():
        form.focus_first_error()
    today = dates.today()
    requests_rows = [
        {
            "item": r,
            "figures": figures[r.pk],
            "deny": deny_form(ReasonForm, r, bound),
        }
        for r in requests_page
    ]
    hours_list = list(hours_page)
    disputes = confirmations.disputes_by_entry([h.pk for h in hours_list]) if hours_list else {}
    # The verifier name last typed for each organization, offered again.
    remembered = (
        confirmations.last_verifier_names(
            organization_ids={h.organization_id for h in hours_list},
            agency_ids=None if roles.is_admin else roles.coordinator_agency_ids,
        )
        if hours_list
        else {}
    )
    hours_rows = [
        {
            "item": h,
            "disputes": disputes.get(h.pk, []),
            "verify": labelled(
                bound.get(f"verify-{h.pk}")
                or VerifyForm(
                    prefix=f"verify-{h.pk}",
                    initial={"verified_by_name": remembered.get(h.organization_id, "")},
                ),
                verified_by_name=f"Verified by (at the organization), for {whose(h)} hours "
                f"of {h.date:%b %-d}",
                verified_on=f"Verified on, for {whose(h)} hours of {h.date:%b %-d}",
            ),
            "reject": labelled(
                bound.get(f"reject-{h.pk}") or ReasonForm(prefix=f"reject-{h.pk}"),
                reason=f"Reason for rejecting {whose(h)} hours of {h.date:%b %-d}",
            ),
        }
        for h in hours_list
    ]
    agencies = list(web.agencies_coordinated(own))
    bulk_verify_form = bound.get("bulk-verify") or VerifyForm(prefix="bulk-verify")
    bulk_verify_form.fields["verified_by_name"].widget.attrs["list"] = "remembered-names"
    now = timezone.now()
    with_supervisors = [
        {"item": r, "days": (now - r.created_at).days}
        for r in scope.with_supervisors()[:QUEUE_PAGE_SIZE]
    ]
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
        "confirm": confirm,
        "bulk_verify": bulk_verify,
        "bulk_verify_form": bulk_verify_form,
        "remembered_names": sorted(set(remembered.values())),
        "with_supervisors": with_supervisors,
        "workbooks": [(a, agency_workbook_url(a.code, today.year)) for a in agencies],
        # A coordinator's delegate decides; the emails to the organizations and the workbooks
        # stay with the coordinators.
        "stands_in": [
            f"{d.delegator.get_full_name() or d.delegator.username} ({d.agency.code} coordinator)"
            for d in scope.delegations
        ],
        "coordinates": own.is_coordinator or own.is_admin,
        "year": today.year,
    }
    return render_page(request, "web/queue.html", context, status=status)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


def _reachable(model, request, pk: int):
    """The object within the user's reach, as the API finds it (404 otherwise)."""
    queryset = model.objects.select_related("employee__user", "employee__agency", "organization")
    return get_object_or_404(queue_scope(request.user).entries(queryset), pk=pk)


def _decide(request, *, anchor: str, **kwargs) -> HttpResponse:
    return decide(request, page=_queue_page, redirect_to="web:queue", error_anchor=anchor, **kwargs)


@require_POST
@login_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _reachable(LeaveRequest, request, pk)
    return _decide(
        request,
        action=lambda: services.leave_request_approve(request=leave, by=request.user),
        prefix="",
        anchor=f"request-{pk}",
        done=f"Approved {rules.plural_hours(leave.hours)} for {who(leave)} on "
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
        done=f"Denied the request of {who(leave)} for {leave.date:%B %-d, %Y}.",
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
        action=lambda **fields: services.personal_hours_verify(
            entry=entry, by=request.user, **fields
        ),
        prefix=prefix,
        form=form,
        anchor=f"hours-{pk}",
        done=f"Verified {rules.plural_hours(entry.hours)} of {who(entry)} on "
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
        done=f"Rejected {rules.plural_hours(entry.hours)} of {who(entry)} on "
        f"{entry.date:%B %-d, %Y}.",
    )


@require_POST
@login_required
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """Approve the ticked requests, each on its own, and say which passed and why not."""
    scope = queue_scope(request.user)
    require_coordinator(scope.roles)
    refusal = f"Tick between 1 and {services.BULK_APPROVE_LIMIT} requests to approve."
    try:
        ids = list(dict.fromkeys(int(value) for value in request.POST.getlist("ids")))
    except ValueError:
        return _queue_page(request, error=refusal, status=400)
    confirmed = request.POST.get("count")
    if confirmed is None:
        # First the count and the list, then the approval: a tick left on a card that slid
        # into place is seen before anything is approved.
        if not 1 <= len(ids) <= services.BULK_APPROVE_LIMIT or not all(
            1 <= i <= services.MAX_ID for i in ids
        ):
            return _queue_page(request, error=refusal, status=400)
        queryset = scope.entries(
            LeaveRequest.objects.select_related(
                "employee__user", "employee__agency", "organization"
            )
        )
        found = {leave.pk: leave for leave in queryset.filter(pk__in=ids)}
        confirm = {"ids": ids, "count": len(ids), "rows": [found.get(i) for i in ids]}
        return _queue_page(request, confirm=confirm)
    if confirmed != str(len(ids)):
        return _queue_page(
            request,
            error=f"{len(ids)} requests were sent, not the {confirmed} confirmed; nothing was "
            "approved. Tick the requests and approve them again.",
            status=400,
        )
    if scope.stands_in:
        # Never the delegators' own requests: sent anyway, they count as not found.
        hidden = set(
            LeaveRequest.objects.filter(pk__in=ids)
            .exclude(pk__in=scope.entries(LeaveRequest.objects.filter(pk__in=ids)))
            .values_list("pk", flat=True)
        )
        ids = [i for i in ids if i not in hidden]
        if not ids:
            return _queue_page(request, error=refusal, status=400)
    try:
        outcome = services.leave_requests_approve_ids(ids=ids, by=request.user)
    except ValidationError:
        return _queue_page(request, error=refusal, status=400)
    rows = [
        {**result.as_dict(), "leave": outcome.found.get(result.id)} for result in outcome.results
    ]
    bulk = {"approved": outcome.approved, "refused": outcome.refused, "rows": rows}
    return _queue_page(request, bulk=bulk)


@require_POST
@login_required
def hours_bulk_verify(request: HttpRequest) -> HttpResponse:
    """Verify the ticked personal hours with one verifier name, date and reason, each on its
    own, and say which passed and why not."""
    scope = queue_scope(request.user)
    roles = scope.roles
    require_coordinator(roles)
    try:
        ids = list(dict.fromkeys(int(value) for value in request.POST.getlist("ids")))
    except ValueError:
        ids = None
    if not ids or len(ids) > 200 or min(ids) < 1:
        return _queue_page(request, error="Tick between 1 and 200 entries to verify.", status=400)
    form = VerifyForm(request.POST, prefix="bulk-verify")
    if not form.is_valid():
        return _queue_page(request, bound={"bulk-verify": form}, status=400)
    if not form.cleaned_data["reason"].strip():
        form.add_error("reason", "Say how the organization confirmed these hours.")
        return _queue_page(request, bound={"bulk-verify": form}, status=400)
    queryset = scope.entries(
        PersonalHours.objects.select_related("employee__user", "employee__agency", "organization"),
    )
    found = {entry.pk: entry for entry in queryset.filter(pk__in=ids)}
    results = {
        result.id: result
        for result in services.personal_hours_bulk_verify(
            entries=[found[i] for i in ids if i in found], by=request.user, **form.cleaned_data
        )
    }
    rows = []
    for i in ids:
        result = results.get(i)
        rows.append(
            {
                "id": i,
                "entry": found.get(i),
                "verified": bool(result and result.approved),
                "code": result.code if result else "not_found",
                "detail": result.detail if result else "No such entry within your reach.",
            }
        )
    verified = sum(1 for row in rows if row["verified"])
    bulk = {"verified": verified, "refused": len(rows) - verified, "rows": rows}
    return _queue_page(request, bulk_verify=bulk)


@require_POST
@login_required
def send_confirmation_requests(request: HttpRequest) -> HttpResponse:
    """Email the organizations' contacts the hours of the coordinator's agencies that wait."""
    roles = roles_of(request.user)
    require_coordinator(roles)
    sent = confirmation_requests_send(by=request.user)
    done = [s for s in sent if not s.error]
    for result in sent:
        if result.error:
            messages.error(request, f"Not sent to {result.contact.email}: {result.error}")
    if done:
        names = ", ".join(f"{s.contact.name} ({s.contact.organization.name})" for s in done)
        messages.success(request, f"Sent confirmation requests to {names}.")
    elif not sent:
        messages.info(
            request,
            "Nothing to send: no contact has entries waiting that were not already sent to them "
            "(each contact gets at most one email a day).",
        )
    return redirect("web:queue")
