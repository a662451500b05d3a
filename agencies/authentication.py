"""API tokens that bring the user's program roles with them."""

from __future__ import annotations

from django.db.models import F, FilteredRelation, Q

from accounts.authentication import ExpiringTokenAuthentication
from accounts.models import AuthToken

from .roles import remember_roles


class TokenWithRolesAuthentication(ExpiringTokenAuthentication):
    """The token, its user, their employee profile and their roles in one read (one row per
    role), so that an API request does not read the user's roles again: the token checks
    themselves are the parent's."""

    def find_token(self, digest: str) -> AuthToken | None:
        rows = list(
            AuthToken.objects.filter(digest=digest)
            .select_related("user__employee__agency")
            # Only active roles count, as in roles_of().
            .annotate(
                active_roles=FilteredRelation("user__roles", condition=Q(user__roles__active=True)),
                role_kind=F("active_roles__kind"),
                role_agency_id=F("active_roles__agency_id"),
            )
            .order_by()
        )
        if not rows:
            return None
        token = rows[0]
        remember_roles(
            token.user,
            employee=getattr(token.user, "employee", None),
            kinds=[(row.role_kind, row.role_agency_id) for row in rows],
        )
        return token
