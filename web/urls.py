"""The web pages: each role's job in the browser, over the same services as the API."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from identity import oidc

from . import views
from .views import account

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    # Accounts are made without a usable password; the person sets one from an emailed link.
    # ... limited per email address and per client address.
    path("accounts/password-reset/", account.PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html",
            success_url=reverse_lazy("web:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("me/", views.my_year, name="my-year"),
    path("me/profile/", views.profile_update, name="profile-update"),
    path("me/hours/", views.personal_hours_log, name="personal-hours-log"),
    path("me/leave/", views.leave_request_create, name="leave-request-create"),
    path("me/leave/<int:pk>/cancel/", views.leave_request_cancel, name="leave-request-cancel"),
    path("coordinator/", views.queue, name="queue"),
    path("coordinator/requests/<int:pk>/approve/", views.request_approve, name="request-approve"),
    path("coordinator/requests/<int:pk>/deny/", views.request_deny, name="request-deny"),
    path("coordinator/requests/bulk-approve/", views.bulk_approve, name="bulk-approve"),
    path("coordinator/hours/<int:pk>/verify/", views.hours_verify, name="hours-verify"),
    path("coordinator/hours/<int:pk>/reject/", views.hours_reject, name="hours-reject"),
    path("coordinator/hours/bulk-verify/", views.hours_bulk_verify, name="hours-bulk-verify"),
    path(
        "coordinator/confirmations/send/",
        views.send_confirmation_requests,
        name="send-confirmation-requests",
    ),
    path("coordinator/roster/", views.roster, name="roster"),
    path("coordinator/transfers/", views.transfers, name="transfers"),
    path("coordinator/transfers/<int:pk>/accept/", views.transfer_accept, name="transfer-accept"),
    path("coordinator/transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer-cancel"),
    path("workgroup/", views.adoption, name="adoption"),
    path("me/email/", views.email_preferences, name="email-preferences"),
    path("coordinator/leave-accounting/", views.leave_accounting, name="leave-accounting"),
    path(
        "coordinator/leave-accounting/send/",
        views.leave_accounting_send,
        name="leave-accounting-send",
    ),
    # The person's own account: email (confirmed from the new address) and API tokens.
    path("accounts/me/", account.account, name="account"),
    path("accounts/email/<str:token>/", account.email_confirm, name="email-confirm"),
    path("accounts/tokens/", account.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", account.token_revoke_page, name="token-revoke"),
    path("accounts/two-factor/", account.two_factor, name="two-factor"),
    # Sign-in through the agency's OpenID Connect provider (404 unless it is set up).
    path("oidc/authenticate/", oidc.AuthenticateView.as_view(), name="oidc-authenticate"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc-callback"),
    path("supervisor/", views.waiting, name="waiting"),
    path(
        "supervisor/requests/<int:pk>/approve/",
        views.supervisor_approve,
        name="supervisor-approve",
    ),
    path("supervisor/requests/<int:pk>/deny/", views.supervisor_deny, name="supervisor-deny"),
]
