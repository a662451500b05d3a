"""How often the confirmation page answers: per client address and per link.

The counts live in the shared cache (the database by default), so several app servers
enforce one limit. The client address comes from DRF's NUM_PROXIES setting, as for the token
endpoint's throttle.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from accounts.models import hash_token


class LinkAddressThrottle(SimpleRateThrottle):
    scope = "org_link_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LinkTokenThrottle(SimpleRateThrottle):
    scope = "org_link"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.digest = hash_token(token)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.digest}


def client_address(request) -> str:
    return LinkAddressThrottle().get_ident(request)


def allowed(request, token: str) -> bool:
    """False when this client address, or this link, has asked too often."""
    if not LinkAddressThrottle().allow_request(request, None):
        return False
    return not token or LinkTokenThrottle(token).allow_request(request, None)
