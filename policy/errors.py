"""Errors the services raise besides a broken policy rule (policy.rules.PolicyViolation)."""

from __future__ import annotations


class NotAllowed(Exception):
    """The user's role never allows this action (answered 403)."""


class StateConflict(Exception):
    """The object is not in a state that allows the action, e.g. approving a cancelled request
    (answered 409 with code "invalid_status")."""

    code = "invalid_status"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
