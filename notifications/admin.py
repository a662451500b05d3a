"""The outbox in the admin: post_office's Email admin (status, the log of each attempt with
its error, the rendered message, "resend"), with an action that queues messages again now."""

from __future__ import annotations

from django.contrib import admin, messages
from post_office.admin import EmailAdmin
from post_office.models import Email

from .models import Preference, Sent
from .outbox import queue_again

admin.site.unregister(Email)


@admin.register(Email)
class OutboxAdmin(EmailAdmin):
    actions = [*EmailAdmin.actions, "send_again"]

    @admin.action(description="Queue again now (the worker sends them on its next pass)")
    def send_again(self, request, queryset):
        count = queue_again(queryset)
        messages.success(request, f"{count} message(s) queued again.")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digests", "reminders", "updated_at"]
    list_filter = ["digests", "reminders"]
    search_fields = ["user__username", "user__email"]


@admin.register(Sent)
class SentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "topic", "period", "sent_at", "email"]
    list_filter = ["kind", "topic"]
    search_fields = ["user__username", "period"]
    raw_id_fields = ["user", "email"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the record of what was sent is not edited
