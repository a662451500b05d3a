from __future__ import annotations

from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.apis import TokenObtainApi, TokenRevokeApi
from agencies.apis import (
    AgencyViewSet,
    DelegationViewSet,
    EmployeeViewSet,
    EnrollmentViewSet,
    MeApi,
    MentoringOrganizationViewSet,
    PilotViewSet,
)
from agencies.roster_apis import RosterExportApi, RosterImportApi, RosterTemplateApi
from hours.apis import BalanceViewSet, LeaveRequestViewSet, LedgerViewSet, PersonalHoursViewSet

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
router.register("delegations", DelegationViewSet, basename="delegation")


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
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # Before the router, whose enrollments/<pk>/ would otherwise take these.
    path("enrollments/import/", RosterImportApi.as_view(), name="enrollment-import"),
    path("enrollments/export/", RosterExportApi.as_view(), name="enrollment-export"),
    path("enrollments/template/", RosterTemplateApi.as_view(), name="enrollment-template"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api-auth/", include("rest_framework.urls")),
    path("", include("web.urls")),
]

admin.site.site_header = "Mentoring Leave Tracker"
admin.site.site_title = "Mentoring Leave Tracker"
admin.site.index_title = "HR Manual 2119 mentoring leave"
