"""What the two deciding pages share, the coordinator's queue and the supervisor's team
requests: how a card's fields are named after its person and date, and how one decision runs
and answers (templates/web/_request_card.html is their shared card)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from policy.errors import NotAllowed

from .common import SERVICE_ERRORS, message_of, status_of


def who(entry) -> str:
    return entry.employee.user.get_full_name() or entry.employee.employee_number


def whose(entry) -> str:
    name = who(entry)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def labelled(form, **labels):
    """Each card's fields named after its person and date ("Reason for denying Carlos
    Martinez's request for Dec 3"), so that a list of fields reads as distinct ones."""
    for name, label in labels.items():
        form.fields[name].label = label
        form[name].label = label  # a bound form may already hold the field with its label
    return form


def deny_form(form_class, request_entry, bound: dict):
    """The deny form of a request's card: the submitted one (with its errors) or a new one."""
    prefix = f"deny-{request_entry.pk}"
    return labelled(
        bound.get(prefix) or form_class(prefix=prefix),
        reason=f"Reason for denying {whose(request_entry)} request for {request_entry.date:%b %-d}",
    )


def decide(
    request,
    *,
    action: Callable,
    page: Callable[..., HttpResponse],
    done: str,
    redirect_to: str,
    prefix: str = "",
    form=None,
    **page_kwargs,
) -> HttpResponse:
    """Run one decision. Refused (NotAllowed): 403. A broken rule or a wrong state: the page
    again, with the error in place and the API's status (400, 409). Done: back to the page."""
    try:
        action(**(form.cleaned_data if form is not None else {}))
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except SERVICE_ERRORS as error:
        message = message_of(error)
        bound = {}
        if form is not None:
            form.add_service_error(error)
            bound[prefix] = form
        return page(request, bound=bound, error=message, status=status_of(error), **page_kwargs)
    messages.success(request, done)
    return redirect(redirect_to)
