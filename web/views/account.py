"""A person's own account: sign-in (with the agency's provider when it is set up), the
limits on guesses and reset emails, the email address, and personal API tokens."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.client import client_address
from accounts.limits import over_limit
from accounts.models import AuthToken
from accounts.services import token_create, token_revoke
from identity import oidc
from identity.services import email_change_confirm, email_change_request

from ..forms import PageForm, SetPasswordByEmailForm
from .common import render_page

HOUR = 3600

# --- Signing in ---------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc.enabled()}


def signin_locked(request, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once a username or a client address has had too many wrong
    guesses: the same page whether or not the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "web/signin_locked.html", {"minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, limited per email address and per client address. Past the address's
    limit the answer is the same as ever and no email leaves (no account enumeration); past
    the client's limit, a page asks to wait."""

    form_class = SetPasswordByEmailForm
    template_name = "web/password_reset_form.html"
    email_template_name = "web/password_reset_email.txt"
    subject_template_name = "web/password_reset_subject.txt"

    def get_success_url(self):
        return reverse("web:password-reset-done")

    def form_valid(self, form):
        client = client_address(self.request)
        if over_limit(
            f"reset-client:{client}", limit=settings.PASSWORD_RESET_PER_CLIENT_HOUR, seconds=HOUR
        ):
            return render(self.request, "web/password_reset_limited.html", status=429)
        email = form.cleaned_data["email"].strip().lower()
        if over_limit(
            f"reset-email:{email}", limit=settings.PASSWORD_RESET_PER_EMAIL_HOUR, seconds=HOUR
        ):
            return redirect(self.get_success_url())
        return super().form_valid(form)


# --- The account's email ------------------------------------------------------------------------


class EmailChangeForm(PageForm):
    email = forms.EmailField(
        label="New work email",
        max_length=254,
        help_text="We send a link to this address; the change is made when you open it.",
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The person's account: their email (changed through a link sent to the new address)."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["email"]
        try:
            email_change_request(user=request.user, new_email=new)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"We sent a link to {new}. Open it to confirm the change.")
            return redirect("web:account")
    form.focus_first_error()
    status = 400 if form.errors else 200
    return render_page(request, "web/account.html", {"form": form}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST makes the change."""
    if request.method == "POST":
        try:
            new = email_change_confirm(user=request.user, token=token)
        except ValidationError as error:
            return render_page(
                request, "web/error.html", {"message": error.messages[0]}, status=400
            )
        messages.success(request, f"Your email is now {new}. We told your old address.")
        return redirect("web:account")
    return render_page(request, "web/email_confirm.html", {})


# --- Personal API tokens ------------------------------------------------------------------------


class TokenForm(PageForm):
    name = forms.CharField(
        label="What it is for",
        max_length=100,
        help_text="For example, \u201cmonthly report script\u201d.",
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        choices=[],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        longest = settings.PERSONAL_TOKEN_MAX_DAYS
        days = sorted({d for d in (7, 30, 90, 365) if d <= longest} | {longest})
        self.fields["days"].choices = [(d, f"{d} days") for d in days]
        self.fields["days"].initial = min(30, longest)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: make one (its key shown this once), see them, revoke them."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        expires_at = timezone.now() + dt.timedelta(days=form.cleaned_data["days"])
        new_key, _token = token_create(
            user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
        )
        form = TokenForm()
    form.focus_first_error()
    listed = AuthToken.objects.filter(user=request.user).order_by("-created_at")[:100]
    return render_page(
        request,
        "web/tokens.html",
        {"form": form, "tokens": listed, "new_key": new_key, "now": timezone.now()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AuthToken, pk=pk, user=request.user)
    token_revoke(token=token)
    messages.success(request, f"The token {token.prefix}\u2026 no longer works.")
    return redirect("web:tokens")


# --- An administrator's second factor (LOCAL_PASSWORDS=0) ---------------------------------------


class CodeForm(PageForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app on the first sign-in (the key is shown until a first code
    confirms it), then give a code at each sign-in. django-otp slows repeated wrong codes."""
    user = request.user
    if not user.is_superuser:
        raise Http404("Only administrators use a second factor here.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        device = device or TOTPDevice.objects.create(
            user=user, name="authenticator app", confirmed=False
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("web:home")
            return redirect(target)
        form.add_error("code", "That code is not right or has expired; enter the current one.")
    form.focus_first_error()
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["secret"] = b32encode(device.bin_key).decode()
        context["config_url"] = device.config_url
    return render(request, "web/two_factor.html", context, status=400 if form.errors else 200)
