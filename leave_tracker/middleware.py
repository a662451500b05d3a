"""Refusals at the door, before any view reads the request.

- A body past the size limit: Django would raise RequestDataTooBig only when a view reads the
  body, and answer with an HTML 400 page; an API client deserves a clear JSON 413 that names
  the limit.
- A null character in the query string: PostgreSQL text cannot hold one, so a parameter that
  reaches a query with it would fail there; no parameter of ours can mean one. In the path, no
  page of ours has one: 404, before a view looks an agency code up with it.
- A web session idle too long, or too old; an administrator's without its second factor.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from accounts import sessions
from accounts.second_factor import needs_second_factor
from policy import text


def body_limit(content_type: str) -> int:
    """The largest body accepted: a roster file plus form fields for uploads, else the JSON
    limit."""
    if content_type.startswith("multipart/form-data"):
        return settings.ROSTER_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            return JsonResponse(
                {
                    "code": "request_too_large",
                    "detail": f"The request body is {length} bytes; the limit is {limit} bytes.",
                },
                status=413,
            )
        return self.get_response(request)


class NullCharacterQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No page has a null character in its address.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return JsonResponse(
                    {
                        "code": "invalid_query",
                        "detail": f"The query parameter {name.replace(chr(0), '')!r} holds a "
                        "null character, which no parameter accepts.",
                    },
                    status=400,
                )
        return self.get_response(request)


class RequestIdMiddleware:
    """Every request gets an id, in the X-Request-ID answer header and in the log line of any
    error it meets, so that the answer a person reports leads to its traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        logging.getLogger("leave_tracker.errors").error(
            "server error, request id %s: %s %s",
            getattr(request, "request_id", ""),
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )


class FormTextMiddleware:
    """The web pages' and the admin's forms: a control or invisible character in any posted
    field (policy.text) answers 400 naming the field, before a view or the admin stores it.
    The API's parsers do the same for the API (leave_tracker.parsers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.path.startswith("/api/"):
            found = text.first_refused(dict(request.POST.lists()))
            if found:
                field, character = found
                field = field.split("[")[0]
                message = (
                    f"The field {field!r} holds the control or invisible character "
                    f"{character}, which no text may hold. Retype it and send the form again."
                )
                return render(request, "web/error.html", {"message": message}, status=400)
        return self.get_response(request)


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class BrowserPolicyMiddleware:
    """Headers for every answer of the app (static files are whitenoise's):

    - Permissions-Policy: the pages use no camera, microphone, location, payment or the like,
      so a script injected despite the CSP could not reach them either.
    - Cache-Control: no-store on every answer to a signed-in user (session or token), so that a
      shared computer's browser or a proxy keeps no copy of a person's records.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionTimeoutMiddleware:
    """End a web session after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS
    after it began, however active. The times are kept in the session itself (server-side), so
    every app server enforces the same limits."""

    # Seconds between two writes of "last seen": a page that loads several requests a second
    # saves the session once.
    TOUCH_EVERY = 60

    @staticmethod
    def now() -> int:
        return int(time.time())

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = self.now()
            session = request.session
            # A session from before these limits (or a test's force_login) starts now.
            started = session.get(sessions.STARTED) or session.setdefault(sessions.STARTED, now)
            last_seen = session.get(sessions.LAST_SEEN, now)
            idle = settings.SESSION_IDLE_MINUTES * 60
            if now - last_seen > idle or now - started > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= self.TOUCH_EVERY or sessions.LAST_SEEN not in session:
                session[sessions.LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """While LOCAL_PASSWORDS=0, an administrator signed in with a password reaches nothing but
    the second-factor page until they have given a code (accounts.second_factor)."""

    OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.OPEN) and needs_second_factor(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "detail": "Give the code from your authenticator app at "
                        "/accounts/two-factor/ first.",
                    },
                    status=403,
                )
            return redirect_to_login(request.get_full_path(), login_url="/accounts/two-factor/")
        return self.get_response(request)
