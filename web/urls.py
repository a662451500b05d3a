"""The web pages: each role's job in the browser, over the same services as the API."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

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
]
