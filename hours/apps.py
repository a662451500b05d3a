from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "hours"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencies.signals import enrollments_withdrawn

        from .services.withdrawals import cancel_on_withdrawal

        # A withdrawal cancels the pending requests it leaves without an enrollment.
        enrollments_withdrawn.connect(
            cancel_on_withdrawal, dispatch_uid="hours.cancel_on_withdrawal"
        )
