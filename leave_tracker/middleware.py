"""Refuse a request body past the size limit before anything reads it.

Django would raise RequestDataTooBig only when a view reads the body, and answer with an HTML
400 page; an API client deserves a clear JSON 413 that names the limit.
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
