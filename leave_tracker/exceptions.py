"""One place that turns the services' errors into API answers.

- a broken policy rule: 400 {"code": "<rule code>", "detail": "<sentence>", "field": ...}
- a Django ValidationError from a service: 400 with DRF's field errors
- NotAllowed: 403; StateConflict: 409 {"code": "invalid_status", "detail": ...}
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

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
    return drf_exception_handler(exc, context)
