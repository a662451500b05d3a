from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import AuthToken, hash_token


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, checked against the stored digest, expiry and revocation."""

    def find_token(self, digest: str) -> AuthToken | None:
        return AuthToken.objects.select_related("user").filter(digest=digest).first()

    def authenticate_credentials(self, key: str):
        token = self.find_token(hash_token(key))
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("Token has expired; ask for a new one.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)
