from __future__ import annotations

from django.contrib import admin

from .models import AuthToken


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["created_at", "expires_at", "revoked_at"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "digest", "prefix", "created_at", "expires_at"]

    def has_add_permission(self, request):
        return False
