"""The client address of a request, by one rule for every limit on guesses.

DRF's throttle reads it with NUM_PROXIES (the settings' REST_FRAMEWORK): 0 counts by the
connecting address, so a made-up X-Forwarded-For changes nothing; behind N proxies, the N-th
address from the right of X-Forwarded-For. The sign-in limits (django-axes) and the
password-reset limits call the same code, so all of them agree on who the client is.
"""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    return BaseThrottle().get_ident(request) or ""
