from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "hours"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencies.supervision import supervisors_changed

        from .services.reroute import requests_follow_supervisor

        supervisors_changed.connect(
            requests_follow_supervisor, dispatch_uid="hours.requests_follow_supervisor"
        )
