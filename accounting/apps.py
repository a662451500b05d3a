from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = "Leave accounting"
    default_auto_field = "django.db.models.BigAutoField"
