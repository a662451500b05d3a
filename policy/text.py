"""What text the program accepts: no control or invisible characters.

A control character (a vertical tab in a surname, a \\x01 in a pilot's name) is stored without
complaint, then breaks every workbook that holds it (Excel's format cannot), and an invisible one
(a zero-width space, a right-to-left override) makes one name display as another. Every way in
refuses them with the same check: the API's parsers, the web and admin forms, the roster import
and usernames.

Refused: the C0 and C1 controls (tab, line feed and carriage return are allowed in text that may
span lines), the Unicode format characters (zero-width spaces and joiners, bidirectional
controls, the byte-order mark, soft hyphen), surrogates, private-use characters, the line and
paragraph separators, and the non-characters U+FFFE and U+FFFF. The table below is Unicode's
categories Cc, Cf, Cs, Co, Zl and Zp written out (tests/security/test_control_characters.py
compares it with `unicodedata`), so that checking a 2 MiB body is one regular-expression search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError

_REFUSED_RANGES = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, less tab, LF and CR
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ue000-\uf8ff\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
REFUSED = re.compile(f"[{_REFUSED_RANGES}]")
REFUSED_SINGLE_LINE = re.compile(f"[{_REFUSED_RANGES}\t\n\r]")


def refused_character(text: str, *, multiline: bool = True) -> str | None:
    """The first refused character of `text`, as U+XXXX, or None when the text is clean."""
    found = (REFUSED if multiline else REFUSED_SINGLE_LINE).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def refusal(text: str, *, multiline: bool = True) -> str | None:
    """The sentence that says why `text` is refused, or None."""
    character = refused_character(text, multiline=multiline)
    if character is None:
        return None
    return f"Holds the control or invisible character {character}, which no text may hold."


def validate_text(value: Any) -> None:
    """A Django validator for any text field (tab and line breaks allowed)."""
    if isinstance(value, str) and (message := refusal(value)):
        raise ValidationError(message, code="forbidden_character")


def validate_single_line(value: Any) -> None:
    """A Django validator for names, codes and usernames: no line breaks or tabs either."""
    if isinstance(value, str) and (message := refusal(value, multiline=False)):
        raise ValidationError(message, code="forbidden_character")


def first_refused(data: Any, path: str = "") -> tuple[str, str] | None:
    """The path and character of the first refused character in parsed data (keys included),
    as ("employees[2].last_name", "U+000B"), or None. Walks without recursion, so that the
    depth of the data cannot exhaust the stack."""
    for where, text in _strings(data, path):
        if character := refused_character(text):
            return where or "body", character
    return None


def _strings(data: Any, path: str) -> Iterator[tuple[str, str]]:
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{where}.{key}" if where else str(key)
                yield child, str(key)
                stack.append((child, item))
        elif isinstance(value, list | tuple):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))


def depth(data: Any) -> int:
    """How deeply lists and objects nest (a scalar is 0, [] is 1), without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in value.values())
        elif isinstance(value, list):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in value)
    return deepest
