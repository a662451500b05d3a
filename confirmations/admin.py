"""The admin: contacts (kept here by administrators, with Django's history), links (read, and
withdrawn by an action), disputes (read)."""

from __future__ import annotations

from django.contrib import admin, messages

from . import services
from .models import ConfirmationLink, Dispute, VerificationContact


@admin.register(VerificationContact)
class VerificationContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization", "active", "last_emailed_on"]
    list_filter = ["active", "organization"]
    search_fields = ["name", "email", "organization__name"]
    readonly_fields = ["last_emailed_on", "changed_by", "changed_at"]

    def save_model(self, request, obj, form, change):
        services.contact_save(
            by=request.user,
            contact=obj,
            organization=obj.organization,
            name=obj.name,
            email=obj.email,
            active=obj.active,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # links and disputes keep pointing at contacts: make one inactive instead


@admin.register(ConfirmationLink)
class ConfirmationLinkAdmin(admin.ModelAdmin):
    list_display = ["prefix", "contact", "created_at", "expires_at", "revoked_at"]
    list_filter = ["contact__organization"]
    search_fields = ["prefix", "contact__email", "contact__name"]
    readonly_fields = [
        "contact",
        "prefix",
        "entries",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
    ]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # links are made by sending confirmation requests

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Withdraw the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        for link in queryset:
            services.link_revoke(link=link, by=request.user)
        self.message_user(request, f"{queryset.count()} links withdrawn.", messages.SUCCESS)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["entry", "typed_name", "contact", "at"]
    search_fields = ["typed_name", "contact__email", "words"]
    readonly_fields = ["entry", "link", "contact", "typed_name", "words", "client_address", "at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
