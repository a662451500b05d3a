"""An account's email, changed by its owner: the new address confirms through a signed link,
the old address is told. (A coordinator's or administrator's change goes through
agencies.services.employee_update, which decides who may.)"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services import email_change_notify
from agencies.models import Employee
from ledger import services as ledger
from ledger.models import LedgerEntry

User = get_user_model()
SALT = "identity.email-change"
LINK_DAYS = 2


def check_email_free(email: str, *, user) -> None:
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": "Another account uses that email address."})


def email_change_token(*, user, new_email: str) -> str:
    """The signed token of the confirmation link sent to the new address. It names the current
    address too, so it stops working once the email has changed (used once)."""
    check_email_free(new_email, user=user)
    return signing.dumps({"user": user.pk, "old": user.email, "new": new_email}, salt=SALT)


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
        employee = Employee.objects.filter(user=user).first()
        if employee is not None:
            ledger.record(
                kind=LedgerEntry.Kind.EMPLOYEE_UPDATED,
                subject=employee,
                agency_id=employee.agency_id,
                actor=user,
                employee_id=employee.pk,
                data={"email": [old, new]},
            )
        email_change_notify(old=old, new=new, by_owner=True)
    return new
