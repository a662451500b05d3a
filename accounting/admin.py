"""The admin: the leave type setting is reference data; batches are read-only, as sent."""

from __future__ import annotations

from django.contrib import admin

from .models import AccountingSetting, Batch, BatchLine


@admin.register(AccountingSetting)
class AccountingSettingAdmin(admin.ModelAdmin):
    list_display = ["agency", "leave_type"]
    search_fields = ["agency__code", "agency__name", "leave_type"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sent batches never change: no adding, editing or deleting here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["agency", "number", "period", "leave_type", "sent_at", "sent_by"]
    list_filter = ["agency", "period"]
    search_fields = ["agency__code"]


@admin.register(BatchLine)
class BatchLineAdmin(ReadOnlyAdmin):
    list_display = [
        "batch",
        "line",
        "employee_number",
        "employee_name",
        "date",
        "hours",
        "late",
        "undoes",
    ]
    list_filter = ["batch__agency", "late"]
    search_fields = ["employee_number", "employee_name"]
    list_select_related = ["batch__agency", "undoes"]
