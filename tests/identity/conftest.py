"""The loopback OpenID Connect provider, and the settings that point the program at it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from .provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture
def provider(settings):
    running = Provider().start()
    settings.OIDC_ISSUER = running.issuer
    settings.OIDC_DISCOVERY_URL = ""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_EMPLOYEE_NUMBER_CLAIM = ""
    cache.clear()  # no discovery document of an earlier provider
    yield running
    running.stop()
    cache.clear()
