"""One place that turns the services' errors into API answers.

- a broken policy rule: 400 {"code": "<rule code>", "detail": "<sentence>", "field": ...}
- a Django ValidationError from a service: 400 with DRF's field errors
- NotAllowed: 403; StateConflict: 409 {"code": "invalid_status", "detail": ...}
- anything unexpected: 500 {"code": "server_error", "detail": ..., "request_id": ...}, the error
  logged with the same request id (leave_tracker.middleware.RequestIdMiddleware), so that a
  client's report finds its traceback; never Django's HTML page to an API client.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.defaults import server_error
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from policy.errors import NotAllowed, StateConflict
from policy.rules import PolicyViolation


def exception_handler(exc, context):
    if isinstance(exc, PolicyViolation):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotAllowed):
        return Response(
            {"code": "not_allowed", "detail": str(exc)}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, StateConflict):
        return Response({"code": exc.code, "detail": exc.detail}, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        set_rollback()
        return server_error_answer(getattr(request, "_request", request), exc)
    return response


logger = logging.getLogger("leave_tracker.errors")


def server_error_body(request) -> dict:
    request_id = getattr(request, "request_id", "")
    return {
        "code": "server_error",
        "detail": "Something went wrong on our side; nothing was changed by this request. "
        f"Quote request id {request_id} when you report it.",
        "request_id": request_id,
    }


def server_error_answer(request, exc: BaseException) -> JsonResponse:
    """The 500 answer to an API client, with the error logged under the request id."""
    body = server_error_body(request)
    logger.error(
        "server error, request id %s: %s %s",
        body["request_id"],
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return JsonResponse(body, status=500)


def handler500(request):
    """Django's last resort (an error outside the API's views): JSON under /api/, else the
    site's error page. Django has already logged the error; the request id is in its header."""
    if request.path.startswith("/api/"):
        return JsonResponse(server_error_body(request), status=500)
    return server_error(request)
