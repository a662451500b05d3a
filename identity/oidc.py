"""Sign-in through the agency's OpenID Connect provider, with mozilla-django-oidc.

The library runs the authorization code flow: state, nonce and the PKCE verifier are kept in
the session and used once; the ID token's signature is checked against the provider's JWKS.
What is added here:
- the provider's endpoints come from its discovery document (issuer or discovery URL), read
  when someone signs in, not at start-up;
- the ID token is also checked for its audience (our client id), issuer and expiry, which the
  library leaves out;
- the person is linked to an existing account by a claim the agency controls: the employee
  number claim when configured, else the email claim only when the provider says it is
  verified. Nobody is created: someone who matches no account gets a page that says so, and no
  account and no role. Roles come from this program.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from agencies.models import Employee

log = logging.getLogger(__name__)
User = get_user_model()
DISCOVERY_SECONDS = 3600

# Why a sign-in through the provider found no account (request.oidc_outcome).
UNKNOWN_PERSON = "unknown_person"
EMAIL_NOT_VERIFIED = "email_not_verified"


def enabled() -> bool:
    return bool(
        settings.OIDC_RP_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL)
    )


def discovery_url() -> str:
    if settings.OIDC_DISCOVERY_URL:
        return settings.OIDC_DISCOVERY_URL
    return settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"


def provider() -> dict:
    """The provider's discovery document, kept an hour in the shared cache."""
    url = discovery_url()
    key = f"oidc:discovery:{url}"
    document = cache.get(key)
    if document is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if settings.OIDC_ISSUER and document.get("issuer") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The discovery document names another issuer.")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def linked_user(claims: dict):
    """The active account these (verified) claims belong to, or (None, why)."""
    number_claim = settings.OIDC_EMPLOYEE_NUMBER_CLAIM
    if number_claim and claims.get(number_claim):
        employee = (
            Employee.objects.select_related("user")
            .filter(employee_number=str(claims[number_claim]), user__is_active=True)
            .first()
        )
        return (employee.user, None) if employee else (None, UNKNOWN_PERSON)
    email = claims.get(settings.OIDC_EMAIL_CLAIM)
    if not email:
        return None, UNKNOWN_PERSON
    if claims.get("email_verified") is not True:
        return None, EMAIL_NOT_VERIFIED
    users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    # Two accounts with one address: linking either would be a guess.
    return (users[0], None) if len(users) == 1 else (None, UNKNOWN_PERSON)


class ProgramOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Django makes a backend on every request of a signed-in person (get_user): nothing
        # here may reach the provider. The endpoints are read in authenticate().
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or not enabled() or "code" not in request.GET:
            return None
        document = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.issuer = document["issuer"]
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with the expected algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info is about someone else.")
            # The signed ID token wins where both say something.
            claims = {**userinfo, **payload}
        user, why = linked_user(claims)
        if user is None:
            self.request.oidc_outcome = why
            log.info("OIDC sign-in with no account: %s (sub %s)", why, payload.get("sub"))
        return user


class AuthenticateView(OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not enabled():
            raise Http404("Sign-in through the agency's provider is not set up.")
        self.OIDC_OP_AUTH_ENDPOINT = provider()["authorization_endpoint"]
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The library's callback; a refusal is a page that says what happened instead of a
    redirect, and a replayed or forged state is one of them."""

    def get(self, request):
        if not enabled():
            raise Http404("Sign-in through the agency's provider is not set up.")
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as error:
            log.warning("OIDC sign-in refused: %s", error)
            return self.refused(status=400)

    def login_failure(self):
        return self.refused(status=403 if getattr(self.request, "oidc_outcome", None) else 400)

    def refused(self, *, status: int):
        outcome = getattr(self.request, "oidc_outcome", None)
        return render(self.request, "web/oidc_refused.html", {"outcome": outcome}, status=status)
