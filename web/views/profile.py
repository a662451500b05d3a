"""The person's own name and email, on the "My mentoring year" page (the API's `PATCH me/`
does the same through the same service)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from agencies.roles import own_employee
from identity.services import own_profile_update
from policy import dates
from web.forms import ProfileForm

from .employee import my_year_page


@require_POST
@login_required
def profile_update(request: HttpRequest) -> HttpResponse:
    employee = own_employee(request.user)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            change = own_profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your details are saved.")
            if change.email_link_sent_to:
                messages.success(
                    request,
                    f"We sent a link to {change.email_link_sent_to}. Open it, signed in, to "
                    "make it your email; until then your email stays as it was.",
                )
            return redirect("web:my-year")
    return my_year_page(request, employee, year=dates.today().year, profile_form=form, status=400)
