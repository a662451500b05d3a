"""A password "validator" that validates nothing: Django calls password_changed() on every
validator whenever a user's new password is saved (reset, change, admin, shell), which makes it
the one place where a password change revokes the account's API tokens."""

from __future__ import annotations

from .services import tokens_revoke_all


class RevokeTokensOnPasswordChange:
    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return ""
