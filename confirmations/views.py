"""The page a mentoring organization's contact opens from the email: no account, the token is
the key.

The email's link is /confirm/#<token>. The part after '#' never leaves the browser, so the
token is in no access log and no Referer; a small script (confirm.js) posts it to this page,
and without scripts the contact pastes the code from the email. Every later step posts it
again in the form body. The page answers with Referrer-Policy: no-referrer and
Cache-Control: no-store, and the token is marked sensitive for Django's error reports.

No CSRF cookie: with no-referrer, browsers send "Origin: null" on the page's own form posts,
which Django's CSRF check refuses. Nor is one needed: every post must carry the link's token,
a secret another site cannot know, and the page acts on nothing but what that token opens
(no session, no signed-in user).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .throttles import allowed, client_address


def _page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, f"confirmations/{template}", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _refusal(request, error: Exception) -> HttpResponse:
    gone = isinstance(error, services.LinkGone)
    return _page(
        request,
        "refused.html",
        {"message": str(error), "gone": gone},
        status=410 if gone else 404,
    )


def _too_many(request) -> HttpResponse:
    return _page(
        request,
        "refused.html",
        {"message": "Too many attempts from here or on this link. Wait a minute and try again."},
        status=429,
    )


@csrf_exempt
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest) -> HttpResponse:
    """GET: the page that takes the code (confirm.js fills it in from the link). POST: the
    link's entries, to confirm or dispute."""
    if request.method == "GET":
        return _page(request, "enter_code.html", {})
    token = request.POST.get("token", "")
    if not allowed(request, token):
        return _too_many(request)
    try:
        link = services.link_for_token(token)
    except (services.LinkUnknown, services.LinkGone) as error:
        return _refusal(request, error)
    return _entries_page(request, link, token)


def _entries_page(
    request, link, token: str, *, answers=None, error: str = "", typed_name: str = "", status=200
) -> HttpResponse:
    rows = selectors.link_rows(link)
    context = {
        "link": link,
        "token": token,
        "rows": rows,
        "open_rows": [row for row in rows if row.is_open],
        "answers": answers,
        "error": error,
        "typed_name": typed_name,
    }
    return _page(request, "entries.html", context, status=status)


@csrf_exempt
@sensitive_post_parameters("token")
@require_POST
def respond(request: HttpRequest) -> HttpResponse:
    """The contact's answers: one name, and confirm or dispute for each entry (or all)."""
    token = request.POST.get("token", "")
    if not allowed(request, token):
        return _too_many(request)
    try:
        link = services.link_for_token(token)
    except (services.LinkUnknown, services.LinkGone) as error:
        return _refusal(request, error)
    # "Confirm all": only ever a confirmation, never a dispute of everything at once.
    everything = services.CONFIRM if request.POST.get("all") == services.CONFIRM else None
    decisions: dict[int, tuple[str, str]] = {}
    for row in selectors.link_rows(link):
        pk = row.entry.pk
        decision = everything or request.POST.get(f"decision-{pk}", "")
        if decision in (services.CONFIRM, services.DISPUTE):
            decisions[pk] = (decision, request.POST.get(f"words-{pk}", ""))
    typed_name = request.POST.get("typed_name", "")
    if not decisions:
        return _entries_page(
            request,
            link,
            token,
            error="Choose confirm or dispute for at least one entry.",
            typed_name=typed_name,
            status=400,
        )
    try:
        answers = services.link_respond(
            link=link,
            typed_name=typed_name,
            decisions=decisions,
            client_address=client_address(request),
        )
    except ValidationError as error:
        return _entries_page(
            request,
            link,
            token,
            error=" ".join(error.messages),
            typed_name=typed_name,
            status=400,
        )
    except services.LinkGone as error:
        return _refusal(request, error)
    return _entries_page(request, link, token, answers=answers, typed_name=typed_name)
