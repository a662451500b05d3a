from __future__ import annotations

from django.urls import path

from .apis import AdoptionWorkbookApi, AgencyWorkbookApi

urlpatterns = [
    path("reports/agency/<str:code>/", AgencyWorkbookApi.as_view(), name="report-agency-workbook"),
    path("reports/adoption/", AdoptionWorkbookApi.as_view(), name="report-adoption-workbook"),
]
