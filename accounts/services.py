from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import AuthToken, hash_token


def token_create(*, user, name: str = "", expires_at: dt.datetime | None = None):
    """A new token for `user`; the key is returned once and never stored. Without
    `expires_at`, it lasts TOKEN_TTL_HOURS (a sign-in token of `auth/token/`)."""
    key = AuthToken.new_key()
    token = AuthToken.objects.create(
        user=user,
        name=name,
        digest=hash_token(key),
        prefix=key[:8],
        expires_at=expires_at or timezone.now() + dt.timedelta(hours=settings.TOKEN_TTL_HOURS),
    )
    return key, token


def token_revoke(*, token: AuthToken) -> None:
    AuthToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_revoke_all(*, user) -> int:
    """Revoke every live token of `user` (a password change or reset); the number revoked."""
    return AuthToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def email_change_notify(*, old: str, new: str, by_owner: bool) -> None:
    """Tell the old address that the account's email changed, once the change is saved: if the
    owner did not ask for it, this is how they hear that someone else will get their reset
    links."""
    if not old or old.lower() == new.lower():
        return
    who = "You changed" if by_owner else "An administrator or coordinator changed"
    body = (
        f"{who} the email address of your mentoring-leave account from {old} to {new}.\n\n"
        "Password-reset links now go to the new address. If you did not expect this, tell "
        "your agency's pilot coordinator or the system administrator at once."
    )
    transaction.on_commit(
        lambda: send_mail(
            "The email address of your mentoring-leave account changed",
            body,
            None,
            [old],
            fail_silently=True,
        )
    )
