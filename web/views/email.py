"""Each person's email choices: the daily digest and the reminders (decisions always go)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from notifications.models import Kind
from notifications.services import preference_set, wants
from web.forms import EmailPreferencesForm

from .common import render_page


@require_http_methods(["GET", "POST"])
@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            preference_set(
                user=user,
                digests=form.cleaned_data["digests"],
                reminders=form.cleaned_data["reminders"],
            )
            messages.success(request, "Your email choices are saved.")
            return redirect("web:email-preferences")
    else:
        form = EmailPreferencesForm(
            initial={
                "digests": wants(user, Kind.DIGEST),
                "reminders": wants(user, Kind.REMINDER),
            }
        )
    return render_page(request, "web/email_preferences.html", {"form": form})
