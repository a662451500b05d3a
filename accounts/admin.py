from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import AuthToken
from .services import email_change_notify
from .signals import users_deactivated

User = get_user_model()


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["created_at", "expires_at", "revoked_at"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "digest", "prefix", "created_at", "expires_at"]

    def has_add_permission(self, request):
        return False


class DeactivateInsteadOfDelete:
    """For what the ledger, a past year or the history of who could do what refers to: the
    admin never deletes it; the "Deactivate" action clears its active flag instead and writes
    the change to the admin's history, as an edit would."""

    active_field = "is_active"
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Deactivate the selected (they are kept, never deleted)")
    def deactivate(self, request, queryset):
        done = 0
        for obj in queryset.filter(**{self.active_field: True}):
            setattr(obj, self.active_field, False)
            obj.save(update_fields=[self.active_field])
            self.log_change(request, obj, [{"changed": {"fields": [self.active_field]}}])
            done += 1
        self.message_user(request, f"{done} deactivated.", messages.SUCCESS)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DeactivateInsteadOfDelete, auth_admin.UserAdmin):
    """Django's user admin, less deleting: a person's ledger entries name them as the actor.
    A changed email is told to the old address, as every change is."""

    def save_model(self, request, obj, form, change):
        old = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            email_change_notify(old=old, new=obj.email, by_owner=False)
        if change and "is_active" in form.changed_data and not obj.is_active:
            users_deactivated.send(sender=User, users=[obj], by=request.user)

    @admin.action(description="Deactivate the selected (they are kept, never deleted)")
    def deactivate(self, request, queryset):
        with transaction.atomic():
            users = list(queryset.filter(is_active=True))
            super().deactivate(request, queryset)
            if users:
                users_deactivated.send(sender=User, users=users, by=request.user)
