"""Password sign-in, which LOCAL_PASSWORDS=0 keeps for administrators only: everyone else
signs in through the agency's provider."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def password_allowed(user) -> bool:
    return settings.LOCAL_PASSWORDS or bool(user.is_superuser)


class LocalPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if user is not None and password_allowed(user) else None
