from __future__ import annotations

from rest_framework import serializers

from agencies.models import MentoringOrganization
from ledger.models import LedgerEntry
from policy import rules
from policy.params import MAX_ID

from .models import LeaveRequest, PersonalHours

HOURS = {"max_digits": 6, "decimal_places": 2}
NOTES_HELP = "Never name or describe the young person you mentor."


class OrganizationIdField(serializers.IntegerField):
    """A mentoring organization's id, handed to the service as it came: the service reads the
    organization with the day's facts, under the year's lock, and answers 400 naming
    `organization` when none has that id (a PrimaryKeyRelatedField would read it on its own
    first: one query more on every write)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def get_attribute(self, instance):
        return instance.organization_id  # the id alone, without reading the organization


class PersonalHoursSerializer(serializers.ModelSerializer):
    hours = serializers.DecimalField(**HOURS, help_text="A positive multiple of 0.25.")
    organization = OrganizationIdField(help_text="The mentoring organization's id.")
    notes = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=NOTES_HELP
    )
    verified_via = serializers.ChoiceField(
        choices=[("", "Not verified"), *PersonalHours.VerifiedVia.choices],
        read_only=True,
        help_text="How the verification came: organization_link (the organization's contact, "
        "through the emailed link) or coordinator (who said how, in reason); empty until "
        "verified.",
    )

    class Meta:
        model = PersonalHours
        fields = [
            "id",
            "employee",
            "date",
            "hours",
            "source",
            "organization",
            "activity",
            "notes",
            "status",
            "verified_by_name",
            "verified_on",
            "verified_via",
            "reviewed_by",
            "reviewed_at",
            "reason",
            "created_at",
        ]
        read_only_fields = [
            "employee",
            "status",
            "verified_by_name",
            "verified_on",
            "verified_via",
            "reviewed_by",
            "reviewed_at",
            "reason",
            "created_at",
        ]


class LeaveRequestSerializer(serializers.ModelSerializer):
    denial_code = serializers.SerializerMethodField(
        help_text="operational_needs when the supervisor denied it; otherwise null."
    )
    hours = serializers.DecimalField(
        **HOURS, help_text="A positive multiple of 0.25, at most 8 a day."
    )
    organization = serializers.PrimaryKeyRelatedField(queryset=MentoringOrganization.objects.all())
    notes = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=NOTES_HELP
    )

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "employee",
            "date",
            "hours",
            "organization",
            "activity",
            "notes",
            "status",
            "approver",
            "decided_at",
            "reason",
            "created_at",
            "updated_at",
            "supervisor",
            "supervisor_decided_by",
            "supervisor_decided_at",
            "approver_for",
            "routing_note",
            "denial_code",
        ]
        read_only_fields = [
            "employee",
            "status",
            "approver",
            "decided_at",
            "reason",
            "created_at",
            "updated_at",
            "supervisor",
            "supervisor_decided_by",
            "supervisor_decided_at",
            "approver_for",
            "routing_note",
        ]

    def get_denial_code(self, obj) -> str | None:
        denied_by_supervisor = (
            obj.status == LeaveRequest.Status.DENIED
            and obj.supervisor_decided_by_id is not None
            and obj.approver_id is None
        )
        return rules.OPERATIONAL_NEEDS if denied_by_supervisor else None


class VerifySerializer(serializers.Serializer):
    verified_by_name = serializers.CharField(
        max_length=200, help_text="Who at the mentoring organization verified the hours."
    )
    verified_on = serializers.DateField(
        required=False, help_text="When the organization verified them; defaults to today."
    )
    # Not required here: a missing or blank reason answers the policy's "reason_required".
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required: how the organization confirmed the hours (a signed paper form, a "
        "phone call); hours the organization confirms itself come through its link.",
    )


class ReasonSerializer(serializers.Serializer):
    # Not required here: a missing or blank reason answers the policy's "reason_required".
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required: why (a missing or blank reason answers reason_required).",
    )


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BulkApproveSerializer(serializers.Serializer):
    # The shape only: the limits are the service's (services.leave_requests_approve_ids).
    ids = serializers.ListField(child=serializers.IntegerField())


class BulkResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    approved = serializers.BooleanField()
    code = serializers.CharField(allow_null=True)
    detail = serializers.CharField(allow_null=True)


class BulkApproveResponseSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = BulkResultSerializer(many=True)


class BalanceSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="employee_id")
    employee_number = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField()
    year = serializers.IntegerField()
    cap = serializers.DecimalField(**HOURS)
    paid_approved = serializers.DecimalField(**HOURS)
    paid_pending = serializers.DecimalField(
        **HOURS, help_text="Requested, with the coordinator (not counting those with a supervisor)."
    )
    paid_awaiting_supervisor = serializers.DecimalField(
        **HOURS, help_text="Requested, still with the employee's supervisor."
    )
    personal_verified = serializers.DecimalField(**HOURS)
    personal_awaiting_verification = serializers.DecimalField(**HOURS)
    paid_available = serializers.DecimalField(**HOURS)
    in_match = serializers.BooleanField()


class LedgerEntrySerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "at",
            "actor",
            "agency",
            "employee",
            "year",
            "kind",
            "subject_type",
            "subject_id",
            "reason",
            "data",
            "d_paid_approved",
            "d_paid_pending",
            "d_personal_verified",
            "d_personal_logged",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    field = serializers.CharField(required=False)


class BadRequestSerializer(serializers.Serializer):
    """A 400: a broken rule ({code, detail, field}) or field errors ({<field>: [messages]})."""

    code = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)
    field = serializers.CharField(required=False)
