"""The OpenAPI schema documents every error an operation can answer, not only its success.

Each view documents its own answers with extend_schema; this fills in the answers that come
from the framework around every view, so that a client (and the schema fuzzing tests) can rely
on the documented status codes:

- 401 where a signed-in user is required (with `WWW-Authenticate: Token`),
- 403 where a role or the session's CSRF check can refuse,
- 404 where the path names an object, or a page number can run past the end,
- 400 where a body or a query parameter can be malformed,
- 413 where a body can exceed the request size limit,
- 415 where a body can come in a content type the operation does not read,
- 429 where the view is throttled.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework.permissions import AllowAny

BODY_METHODS = {"POST", "PUT", "PATCH"}

DESCRIPTIONS = {
    "400": "A field or a query parameter is malformed; the body names it.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Your role does not allow this action.",
    "404": "Not found, or outside your reach.",
    "413": "The request body is larger than the server accepts.",
    "415": "The request body's content type is not one this operation reads.",
    "429": "Too many requests; wait and try again.",
}


class AutoSchema(BaseAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._framework_error_codes(operation):
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        return operation

    def _framework_error_codes(self, operation) -> list[str]:
        codes = []
        signed_in = not any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if signed_in:
            codes += ["401", "403"]
        paginated = self.method == "GET" and self._is_list_view() and self._get_paginator()
        if "{" in self.path or paginated:
            codes.append("404")
        if self.method in BODY_METHODS or operation.get("parameters"):
            codes.append("400")
        if self.method in BODY_METHODS:
            codes += ["413", "415"]
        if self.view.get_throttles():
            codes.append("429")
        return codes
