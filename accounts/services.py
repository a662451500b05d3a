from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import AuthToken, hash_token


def token_create(*, user) -> tuple[str, AuthToken]:
    """A new token for `user`; the key is returned once and never stored."""
    key = AuthToken.new_key()
    token = AuthToken.objects.create(
        user=user,
        digest=hash_token(key),
        prefix=key[:8],
        expires_at=timezone.now() + dt.timedelta(hours=settings.TOKEN_TTL_HOURS),
    )
    return key, token


def token_revoke(*, token: AuthToken) -> None:
    AuthToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
