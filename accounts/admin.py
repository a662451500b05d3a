from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import AuthToken
from .services import email_change_notify

User = get_user_model()


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["created_at", "expires_at", "revoked_at"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "digest", "prefix", "created_at", "expires_at"]

    def has_add_permission(self, request):
        return False


class AccountAdmin(UserAdmin):
    """Django's user admin; a changed email is told to the old address, as every change is."""

    def save_model(self, request, obj, form, change):
        old = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            email_change_notify(old=old, new=obj.email, by_owner=False)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
