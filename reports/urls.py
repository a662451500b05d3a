from __future__ import annotations

from django.urls import path

from .accounting_apis import (
    LeaveAccountingApi,
    LeaveAccountingBatchApi,
    LeaveAccountingBatchesApi,
    LeaveAccountingSendApi,
)
from .apis import AdoptionWorkbookApi, AgencyWorkbookApi

urlpatterns = [
    path("reports/agency/<str:code>/", AgencyWorkbookApi.as_view(), name="report-agency-workbook"),
    path("reports/adoption/", AdoptionWorkbookApi.as_view(), name="report-adoption-workbook"),
]

urlpatterns += [
    path(
        "reports/leave-accounting/<str:code>/",
        LeaveAccountingApi.as_view(),
        name="report-leave-accounting",
    ),
    path(
        "reports/leave-accounting/<str:code>/send/",
        LeaveAccountingSendApi.as_view(),
        name="report-leave-accounting-send",
    ),
    path(
        "reports/leave-accounting/<str:code>/batches/",
        LeaveAccountingBatchesApi.as_view(),
        name="report-leave-accounting-batches",
    ),
    path(
        "reports/leave-accounting/<str:code>/batches/<int:number>/",
        LeaveAccountingBatchApi.as_view(),
        name="report-leave-accounting-batch",
    ),
]
