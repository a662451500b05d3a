"""When a web session began and was last used, kept in the session itself; the timeout
middleware (leave_tracker.middleware.SessionTimeoutMiddleware) reads them."""

from __future__ import annotations

import time

STARTED = "signed_in_at"
LAST_SEEN = "last_seen"


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """Connected to Django's user_logged_in: every sign-in (password, provider, admin) starts
    the clock, in the session write that the sign-in makes anyway."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now
