"""Signals the roster and the people records send to the layers above (which agencies must not
import). Each is sent inside the change's transaction, after the rows are saved, so that what
the receivers write commits or rolls back with the change. hours receives both (connected in
HoursConfig.ready)."""

from __future__ import annotations

from django.dispatch import Signal

# Roster lines withdrawn (or a withdrawal moved earlier): `enrollments` (the lines, each with its
# withdrawn_on) and `by` (who withdrew them; None from the command line). hours cancels the
# pending requests that the withdrawals leave without an enrollment (hours.services.withdrawals).
enrollments_withdrawn = Signal()

# Employees' supervisors changed: `employees` (the Employee rows, each carrying its new
# supervisor_id, None when cleared) and `by` (who changed them). hours passes the requests still
# waiting for a supervisor on to whoever holds them now (hours.services.reroute), so that none
# waits for a supervisor who no longer holds it.
supervisors_changed = Signal()
