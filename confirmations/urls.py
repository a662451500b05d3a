"""The organization contact's page (no account)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "confirmations"

urlpatterns = [
    path("", views.open_link, name="open"),
    path("answer/", views.respond, name="respond"),
]
