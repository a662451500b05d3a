"""The API's parsers: DRF's, plus two refusals before any serializer sees the body.

- Nesting deeper than MAX_JSON_DEPTH: no request of ours nests more than three levels, and a
  kilobyte of nested brackets otherwise exhausts Python's recursion limit (a 500).
- A control or invisible character in any key or value (policy.text): refused here once for every
  endpoint, with the path of the field that holds it.
Both answer 400 {"code": ..., "detail": ..., "field": ...}.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

from policy import text

MAX_JSON_DEPTH = 20


class BadBody(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_body"

    def __init__(self, code: str, detail: str, field: str | None = None):
        body = {"code": code, "detail": detail}
        if field is not None:
            body["field"] = field
        super().__init__(body)


def refuse_hidden_characters(data) -> None:
    found = text.first_refused(data)
    if found:
        field, character = found
        raise BadBody(
            "forbidden_character",
            f"The field {field!r} holds the control or invisible character {character}, "
            "which no text may hold.",
            field,
        )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        too_deep = BadBody(
            "json_too_deep",
            f"The JSON body nests lists and objects more than {MAX_JSON_DEPTH} levels deep; "
            f"the limit is {MAX_JSON_DEPTH}.",
        )
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=_no_constant)
        except RecursionError:
            raise too_deep from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if text.depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        refuse_hidden_characters(data)
        return data


def _no_constant(name: str):
    # NaN and Infinity are not JSON, as DRF's own parser holds in strict mode.
    raise ValueError(f"{name} is not valid JSON")


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_hidden_characters(_plain(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_hidden_characters(_plain(result.data))
        return result


def _plain(data) -> dict:
    """A form's fields as a dict, a field sent once as its value (so its path is its name)."""
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}
