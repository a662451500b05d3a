"""Refusals at the door, before any view reads the request.

- A body past the size limit: Django would raise RequestDataTooBig only when a view reads the
  body, and answer with an HTML 400 page; an API client deserves a clear JSON 413 that names
  the limit.
- A null character in the query string: PostgreSQL text cannot hold one, so a parameter that
  reaches a query with it would fail there; no parameter of ours can mean one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse


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
