from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "hours"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import users_deactivated
        from agencies.signals import enrollments_withdrawn, supervisors_changed

        from .services.reroute import requests_follow_supervisor, requests_leave_deactivated
        from .services.withdrawals import cancel_on_withdrawal

        # A withdrawal cancels the pending requests it leaves without an enrollment.
        enrollments_withdrawn.connect(
            cancel_on_withdrawal, dispatch_uid="hours.cancel_on_withdrawal"
        )
        # A request waiting for a supervisor follows the employee's supervisor.
        supervisors_changed.connect(
            requests_follow_supervisor, dispatch_uid="hours.requests_follow_supervisor"
        )
        # ... and leaves a supervisor who can no longer sign in for the coordinator.
        users_deactivated.connect(
            requests_leave_deactivated, dispatch_uid="hours.requests_leave_deactivated"
        )
