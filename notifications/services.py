"""Queueing a message: the one function every service calls to tell someone something.

A message is a row of the outbox (django-post-office's Email), written in the caller's
transaction: a change that rolls back queues nothing, and a request never waits on the mail
server. `manage.py send_mail_queue` sends the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from post_office import mail
from post_office.models import Email

from .models import Kind, Preference, Sent


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def message_queue(*, to: str, template: str, context: dict, link: str) -> Email | None:
    """Queue one message to one address, rendered from `<template>.subject.txt`, `.txt` and
    `.html`. `link` is the path of the page where the reader acts: every message carries it as
    `action_url`. Nothing is queued for an empty address.

    Templates never name the young person nor quote free-text notes: pass them neither.
    """
    if not to:
        return None
    context = {
        **context,
        "action_url": absolute_url(link),
        # The page where each person turns digests and reminders off.
        "preferences_url": absolute_url(reverse("web:email-preferences")),
    }
    subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    # Within the change's transaction (where services call it) no savepoint is needed: the row
    # is written, or rolled back, with the change; alone it is its own transaction.
    with transaction.atomic(savepoint=False):
        return mail.send(
            recipients=[to],
            subject=subject,
            message=text,
            html_message=html,
            priority="medium",  # never "now": the worker sends, not the request
        )


def wants(user, kind: str) -> bool:
    """Whether the person takes digests or reminders (yes unless they turned them off)."""
    preference = Preference.objects.filter(user=user).first()
    if preference is None:
        return True
    return preference.digests if kind == Kind.DIGEST else preference.reminders


def message_queue_once(
    *, user, kind: str, topic: str, period: str, template: str, context: dict, link: str
) -> bool:
    """Queue a digest or reminder unless the person turned that kind off or was already sent
    the same topic for the same period. True when queued."""
    if not user.email or not wants(user, kind):
        return False
    if Sent.objects.filter(user=user, topic=topic, period=period).exists():
        return False
    try:
        with transaction.atomic():
            record = Sent.objects.create(user=user, kind=kind, topic=topic, period=period)
            record.email = message_queue(
                to=user.email, template=template, context=context, link=link
            )
            record.save(update_fields=["email"])
    except IntegrityError:
        return False  # already sent for this period (perhaps by a run at the same moment)
    return True


def preference_set(*, user, digests: bool, reminders: bool) -> Preference:
    """The person's own choice of digests and reminders."""
    with transaction.atomic():
        preference, _ = Preference.objects.select_for_update().get_or_create(user=user)
        preference.digests = digests
        preference.reminders = reminders
        preference.save()
    return preference
