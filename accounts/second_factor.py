"""Administrators who sign in with a password while LOCAL_PASSWORDS=0 must also give a code
from an authenticator app (TOTP, django-otp), set up on their first sign-in."""

from __future__ import annotations

from django.conf import settings

# The backend that a sign-in through the agency's provider records in the session; the
# provider is trusted for its own second factor.
PROVIDER_BACKEND = "identity.oidc.ProgramOIDCBackend"


def needs_second_factor(request) -> bool:
    user = request.user
    return (
        not settings.LOCAL_PASSWORDS
        and user.is_authenticated
        and user.is_superuser
        and request.session.get("_auth_user_backend") != PROVIDER_BACKEND
        and not user.is_verified()
    )
