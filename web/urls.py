"""The web pages: each role's job in the browser, over the same services as the API."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import SetPasswordByEmailForm

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    # Accounts are made without a usable password; the person sets one from an emailed link.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=SetPasswordByEmailForm,
            template_name="web/password_reset_form.html",
            email_template_name="web/password_reset_email.txt",
            subject_template_name="web/password_reset_subject.txt",
            success_url=reverse_lazy("web:password-reset-done"),
        ),
        name="password-reset",
    ),
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
    path("me/hours/", views.personal_hours_log, name="personal-hours-log"),
    path("me/leave/", views.leave_request_create, name="leave-request-create"),
    path("me/leave/<int:pk>/cancel/", views.leave_request_cancel, name="leave-request-cancel"),
    path("coordinator/", views.queue, name="queue"),
    path("coordinator/requests/<int:pk>/approve/", views.request_approve, name="request-approve"),
    path("coordinator/requests/<int:pk>/deny/", views.request_deny, name="request-deny"),
    path("coordinator/requests/bulk-approve/", views.bulk_approve, name="bulk-approve"),
    path("coordinator/hours/<int:pk>/verify/", views.hours_verify, name="hours-verify"),
    path("coordinator/hours/<int:pk>/reject/", views.hours_reject, name="hours-reject"),
    path("coordinator/roster/", views.roster, name="roster"),
    path("workgroup/", views.adoption, name="adoption"),
    path("supervisor/", views.waiting, name="waiting"),
    path(
        "supervisor/requests/<int:pk>/approve/",
        views.supervisor_approve,
        name="supervisor-approve",
    ),
    path("supervisor/requests/<int:pk>/deny/", views.supervisor_deny, name="supervisor-deny"),
]
