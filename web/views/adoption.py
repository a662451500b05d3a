"""The workgroup's adoption page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from agencies.roles import roles_of
from policy import dates
from web import pages
from web import selectors as web

from .common import adoption_workbook_url, agency_workbook_url, render_page, year_of

# --- The workgroup: adoption --------------------------------------------------------------------


@require_GET
@login_required
def adoption(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not roles.reads_everything:
        raise PermissionDenied("The adoption figures are the workgroup's.")
    this_year = dates.today().year
    year = year_of(request, default=this_year)
    if isinstance(year, HttpResponse):
        return year
    figures = web.adoption(year=year)
    context = {
        "year": year,
        "years": list(range(this_year - 2, this_year + 1)),
        "adoption": figures,
        "chart": pages.month_chart(figures.months),
        "adoption_url": adoption_workbook_url(year),
        "workbooks": [(row, agency_workbook_url(row.code, year)) for row in figures.rows],
    }
    return render_page(request, "web/adoption.html", context)
