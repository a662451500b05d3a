from __future__ import annotations

from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounting.apis import MyLeaveAccountingApi
from accounts.apis import TokenObtainApi, TokenRevokeApi
from agencies.apis import (
    AgencyViewSet,
    DelegationViewSet,
    EmployeeViewSet,
    EnrollmentViewSet,
    MentoringOrganizationViewSet,
    PilotViewSet,
)
from agencies.roster_apis import RosterExportApi, RosterImportApi, RosterTemplateApi
from confirmations.apis import ConfirmationLinkViewSet, VerificationContactViewSet
from hours.apis import BalanceViewSet, LeaveRequestViewSet, LedgerViewSet, PersonalHoursViewSet
from hours.transfer_apis import TransferViewSet
from identity.apis import MeApi

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("organizations", MentoringOrganizationViewSet, basename="organization")
router.register("pilots", PilotViewSet, basename="pilot")
router.register("employees", EmployeeViewSet, basename="employee")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("personal-hours", PersonalHoursViewSet, basename="personal-hours")
router.register("leave-requests", LeaveRequestViewSet, basename="leave-request")
router.register("balances", BalanceViewSet, basename="balance")
router.register("ledger", LedgerViewSet, basename="ledger")
router.register(
    "verification-contacts", VerificationContactViewSet, basename="verification-contact"
)
router.register("confirmation-links", ConfirmationLinkViewSet, basename="confirmation-link")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("transfers", TransferViewSet, basename="transfer")


def healthz(request):
    """Alive, and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


api_v1 = [
    path("auth/token/", TokenObtainApi.as_view(), name="auth-token"),
    path("auth/logout/", TokenRevokeApi.as_view(), name="auth-logout"),
    path("me/", MeApi.as_view(), name="me"),
    path("", include("reports.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script, for the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="docs",
    ),
    # Before the router, whose enrollments/<pk>/ would otherwise take these.
    path("enrollments/import/", RosterImportApi.as_view(), name="enrollment-import"),
    path("enrollments/export/", RosterExportApi.as_view(), name="enrollment-export"),
    path("enrollments/template/", RosterTemplateApi.as_view(), name="enrollment-template"),
    path(
        "balances/me/leave-accounting/",
        MyLeaveAccountingApi.as_view(),
        name="balance-me-leave-accounting",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api-auth/", include("rest_framework.urls")),
    path("confirm/", include("confirmations.urls")),
    path("", include("web.urls")),
]

handler500 = "leave_tracker.exceptions.handler500"

admin.site.site_header = "Mentoring Leave Tracker"
admin.site.site_title = "Mentoring Leave Tracker"
admin.site.index_title = "HR Manual 2119 mentoring leave"

# The error pages in the site's layout, with the reason and a way back (JSON under /api/).
handler400 = "web.views.errors.bad_request"
handler403 = "web.views.errors.permission_denied"
handler404 = "web.views.errors.page_not_found"
handler500 = "web.views.errors.server_error"
