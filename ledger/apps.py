from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The append-only record of every state change, written by any app's services."""

    name = "ledger"
    default_auto_field = "django.db.models.BigAutoField"
