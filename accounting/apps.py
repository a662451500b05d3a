from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = "Leave accounting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hours.services.transfers import transfer_checking

        from .transfers import refuse_transfer_into_sent_period

        transfer_checking.connect(
            refuse_transfer_into_sent_period, dispatch_uid="accounting.refuse_transfer"
        )
