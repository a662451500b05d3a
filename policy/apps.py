from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The bottom layer: the 2119 rules, their errors and the per-year parameters."""

    name = "policy"
    default_auto_field = "django.db.models.BigAutoField"
