"""A person's own profile: their first and last name, changed at once, and their email, changed
through a signed link sent to the new address (the old address is told once it changes). The
API (`PATCH /api/v1/me/`), the "My mentoring year" page and the account page all come through
here. (A coordinator's or administrator's change goes through agencies.services.employee_update,
which decides who may.)"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from accounts.services import email_change_notify
from agencies.models import Employee
from ledger import services as ledger
from ledger.models import LedgerEntry
from notifications.services import absolute_url
from policy.text import validate_single_line

User = get_user_model()
SALT = "identity.email-change"
LINK_DAYS = 2
NAME_MAX_LENGTH = 150  # the user model's columns
NAME_LABELS = {"first_name": "first name", "last_name": "last name"}


def check_email_free(email: str, *, user) -> None:
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": "Another account uses that email address."})


def email_change_token(*, user, new_email: str) -> str:
    """The signed token of the confirmation link sent to the new address. It names the current
    address too, so it stops working once the email has changed (used once)."""
    check_email_free(new_email, user=user)
    return signing.dumps({"user": user.pk, "old": user.email, "new": new_email}, salt=SALT)


def email_change_request(*, user, new_email: str) -> None:
    """Send the confirmation link to the new address; nothing changes until it is opened. The
    link is built on SITE_URL, never on the request's Host header."""
    if new_email.lower() == (user.email or "").lower():
        raise ValidationError({"email": "That is already your email."})
    token = email_change_token(user=user, new_email=new_email)
    link = absolute_url(reverse("web:email-confirm", args=[token]))
    send_mail(
        "Confirm the new email of your mentoring-leave account",
        f"To make {new_email} the email of your mentoring-leave account "
        f"({user.username}), open this link while signed in:\n\n{link}\n\n"
        "If you did not ask for this, ignore this message.",
        None,
        [new_email],
        fail_silently=True,
    )


def email_change_confirm(*, user, token: str) -> str:
    """Set the email of the link to `user`, who must be the signed-in owner; the new address."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature as error:
        raise ValidationError("This link no longer works; ask for a new one.") from error
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if data.get("user") != user.pk or data.get("old") != user.email:
            raise ValidationError("This link no longer works; ask for a new one.")
        new = data["new"]
        check_email_free(new, user=user)
        old = user.email
        user.email = new
        user.save(update_fields=["email"])
        _record_own_change(user, {"email": [old, new]})
        email_change_notify(old=old, new=new, by_owner=True)
    return new


def _record_own_change(user, changed: dict[str, list[str]]) -> None:
    """Ledger the owner's change where they are an employee (an account without an employee
    profile, a coordinator's, has no employee's history to write it in)."""
    employee = Employee.objects.filter(user=user).first()
    if employee is not None:
        ledger.record(
            kind=LedgerEntry.Kind.EMPLOYEE_UPDATED,
            subject=employee,
            agency_id=employee.agency_id,
            actor=user,
            employee_id=employee.pk,
            data=changed,
        )


# --- The name -----------------------------------------------------------------------------------


def check_name(value: str, *, field: str) -> str:
    """A first or last name as the person types it: on one line, nothing invisible, not empty
    and not longer than the column. The name without the spaces around it."""
    label = NAME_LABELS[field]
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise ValidationError({field: f"Enter your {label}."})
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(
            {field: f"A {label} has at most {NAME_MAX_LENGTH} characters; this has {len(value)}."}
        )
    try:
        validate_single_line(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return value


def own_name_update(*, user, **names: str):
    """The person changes their own first and/or last name (keyword arguments `first_name`,
    `last_name`); ledgered where they are an employee. Every field is checked before anything is
    written."""
    errors: dict = {}
    cleaned = {}
    for field, value in names.items():
        try:
            cleaned[field] = check_name(value, field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        changed = {
            field: [getattr(user, field), value]
            for field, value in cleaned.items()
            if getattr(user, field) != value
        }
        if changed:
            for field, (_, value) in changed.items():
                setattr(user, field, value)
            user.save(update_fields=list(changed))
            _record_own_change(user, changed)
    return user


@dataclass(frozen=True)
class ProfileChange:
    user: object
    email_link_sent_to: str | None


def own_profile_update(
    *,
    user,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> ProfileChange:
    """The person's own profile in one step, as the API's PATCH and the page's form send it:
    the name changes at once; a new email address gets its confirmation link. Every field is
    checked first, so that a refused address leaves the name unchanged too."""
    names = {
        field: value
        for field, value in (("first_name", first_name), ("last_name", last_name))
        if value is not None
    }
    new_email = email if email and email.lower() != (user.email or "").lower() else None
    errors: dict = {}
    checks = [lambda f=f, v=v: check_name(v, field=f) for f, v in names.items()]
    if new_email is not None:
        checks.append(lambda: check_email_free(new_email, user=user))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if names:
        user = own_name_update(user=user, **names)
    if new_email is not None:
        email_change_request(user=user, new_email=new_email)
    return ProfileChange(user=user, email_link_sent_to=new_email)
