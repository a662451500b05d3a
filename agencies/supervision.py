"""The signal agencies send when employees' supervisors change, so that no request is left
waiting for a supervisor who no longer holds it. Agencies may not import hours (the layers point
one way); hours receives it (hours/services/reroute.py, connected in HoursConfig.ready).

Sent inside the change's transaction, after the new supervisors are saved, so that what the
receivers write commits or rolls back with the change.
"""

from __future__ import annotations

from django.dispatch import Signal

# Keyword arguments: employees (the Employee rows whose supervisor changed, carrying the new
# supervisor_id, None when cleared) and by (the user who made the change).
supervisors_changed = Signal()
