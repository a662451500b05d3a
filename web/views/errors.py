"""The error pages: the site's layout, the reason in a sentence and a way back, for 400, 403,
404 and 500. Under /api/ the answer stays JSON, as the API's own errors are."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from .common import render_page

REASONS = {
    400: (
        "This request could not be understood",
        "The address or the form sent was not one this site can read. Go back and try again.",
    ),
    403: (
        "This page is not for your role",
        "Your account does not have the role this page needs.",
    ),
    404: (
        "Page not found",
        "There is no such page, or what it shows is not within your reach. Check the address, "
        "or start again from your own pages.",
    ),
    500: (
        "Something went wrong on our side",
        "The page could not be shown because of an error in the tracker. Nothing you sent was "
        "half-saved: try again in a moment, and tell your pilot coordinator if it goes on.",
    ),
}


def _reason(exception) -> str:
    """The sentence a view gave (PermissionDenied("Only a pilot coordinator can see the
    queues.")), when it gave one meant for people."""
    text = str(exception or "").strip()
    return text if text and text[0].isupper() and text.endswith(".") else ""


def _page(request: HttpRequest, status: int, reason: str = "") -> HttpResponse:
    title, default = REASONS[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason or default}, status=status)
    if not hasattr(request, "user"):  # refused before the session was read (a bad host name)
        request.user = AnonymousUser()
    context = {"title": title, "message": reason or default, "status": status}
    return render_page(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403, _reason(exception))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: the database may be what failed, and the
    signed-in user's roles are read from it."""
    title, message = REASONS[500]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=500)
    context = {"title": title, "message": message, "status": 500}
    return HttpResponse(loader.render_to_string("web/error.html", context), status=500)
