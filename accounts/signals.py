"""Signals accounts sends to the layers above (which accounts must not import), inside the
change's transaction, so that what the receivers write commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

# Users deactivated (they can no longer sign in): `users` (the User rows) and `by` (who
# deactivated them). hours passes the requests waiting for one of them as a supervisor on to the
# coordinator (hours.services.reroute), so that none waits for someone who cannot decide it.
users_deactivated = Signal()
