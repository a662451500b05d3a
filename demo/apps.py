from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`) for `make run`: it goes through every app's services, so it sits
    above them all."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
