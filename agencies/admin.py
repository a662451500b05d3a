from __future__ import annotations

from django.contrib import admin

from .models import Agency, Employee, Enrollment, MentoringOrganization, Pilot, Role


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "headcount"]
    search_fields = ["code", "name"]
    list_filter = ["pilots__status"]


@admin.register(MentoringOrganization)
class MentoringOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "meets_quality_standards", "contact_name", "contact_email"]
    list_filter = ["meets_quality_standards"]
    search_fields = ["name", "contact_name", "contact_email"]


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "starts_on", "ends_on", "status"]
    list_filter = ["status", "agency"]
    search_fields = ["name", "agency__code", "agency__name"]
    date_hierarchy = "starts_on"


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = [
        "employee_number",
        "full_name",
        "agency",
        "bargaining_unit",
        "appointment",
        "is_eligible",
    ]
    list_filter = ["agency", "bargaining_unit", "appointment"]
    search_fields = [
        "employee_number",
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__username",
    ]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user"]

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj: Employee) -> str:
        return obj.user.get_full_name()

    @admin.display(description="Eligible", boolean=True)
    def is_eligible(self, obj: Employee) -> bool:
        return obj.eligibility.eligible


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "employee",
        "pilot",
        "organization",
        "commitment_starts_on",
        "commitment_ends_on",
        "status",
    ]
    list_filter = ["status", "pilot__agency", "pilot", "organization"]
    search_fields = [
        "employee__employee_number",
        "employee__user__first_name",
        "employee__user__last_name",
        "organization__name",
    ]
    list_select_related = ["employee__user", "pilot__agency", "organization"]
    raw_id_fields = ["employee"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "agency"]
    list_filter = ["kind", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "agency"]
