from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from .models import Agency, Delegation, Employee, Enrollment, MentoringOrganization, Pilot
from .roles import roles_of


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "headcount", "approval_chain"]
        read_only_fields = ["approval_chain"]  # changed through approval-chain/


class ApprovalChainSerializer(serializers.Serializer):
    approval_chain = serializers.ChoiceField(choices=Agency.ApprovalChain.choices)


class MentoringOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MentoringOrganization
        fields = [
            "id",
            "name",
            "meets_quality_standards",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]


class CoordinatedAgencyField(serializers.SlugRelatedField):
    """An agency by code; on writes, one the user coordinates."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Agency.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if "\x00" in str(data):  # PostgreSQL text cannot hold it: refuse before the lookup
            raise serializers.ValidationError("Null characters are not allowed.")
        agency = super().to_internal_value(data)
        roles = roles_of(self.context["request"].user)
        if not roles.coordinates(agency.pk):
            raise serializers.ValidationError(
                f"You are not a coordinator of {agency.code}, so you cannot add to it."
            )
        return agency


class PilotSerializer(serializers.ModelSerializer):
    agency = CoordinatedAgencyField()

    class Meta:
        model = Pilot
        fields = ["id", "agency", "name", "starts_on", "ends_on", "status"]
        validators: list = []  # uniqueness and date order are the service's, with clear messages

    def validate(self, attrs):
        if (
            self.instance is not None
            and "agency" in attrs
            and attrs["agency"] != self.instance.agency
        ):
            raise serializers.ValidationError({"agency": "A pilot cannot move to another agency."})
        return attrs


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    code = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)


class EmployeeSerializer(serializers.ModelSerializer):
    agency = CoordinatedAgencyField()
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    username = serializers.CharField(
        source="user.username",
        required=False,
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Defaults to the employee number.",
    )
    first_name = serializers.CharField(source="user.first_name", max_length=150)
    last_name = serializers.CharField(source="user.last_name", max_length=150)
    email = serializers.EmailField(source="user.email", max_length=254)
    eligibility = EligibilitySerializer(read_only=True)
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
        help_text="The user id of the employee's supervisor: a user of the same agency.",
    )

    class Meta:
        model = Employee
        fields = [
            "id",
            "agency",
            "user",
            "username",
            "first_name",
            "last_name",
            "email",
            "employee_number",
            "bargaining_unit",
            "appointment",
            "eligibility",
            "supervisor",
        ]
        extra_kwargs = {"employee_number": {"validators": []}}


class EnrollmentSerializer(serializers.ModelSerializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    pilot = serializers.PrimaryKeyRelatedField(queryset=Pilot.objects.all())
    organization = serializers.PrimaryKeyRelatedField(queryset=MentoringOrganization.objects.all())

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "employee",
            "pilot",
            "organization",
            "commitment_starts_on",
            "commitment_ends_on",
            "status",
            "withdrawn_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "withdrawn_on": {
                "help_text": "The day a withdrawal takes effect (status withdrawn): enrolled "
                "before it, not enrolled from it on. Default today; not before the commitment "
                "starts, and ahead of today not beyond its end. Going back to active clears it."
            }
        }
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only employees and pilots the user coordinates can be named.
        request = self.context.get("request")
        if request is not None:
            roles = roles_of(request.user)
            if not roles.is_admin:
                self.fields["employee"].queryset = Employee.objects.filter(
                    agency_id__in=roles.coordinator_agency_ids
                )
                self.fields["pilot"].queryset = Pilot.objects.filter(
                    agency_id__in=roles.coordinator_agency_ids
                )
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["employee"].read_only = True

    def validate(self, attrs):
        starts = attrs.get(
            "commitment_starts_on", getattr(self.instance, "commitment_starts_on", None)
        )
        ends = attrs.get("commitment_ends_on", getattr(self.instance, "commitment_ends_on", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError(
                {"commitment_ends_on": "The commitment must end after it starts."}
            )
        return attrs


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    coordinator_of = serializers.ListField(child=serializers.CharField())
    employee = EmployeeSerializer(allow_null=True)
    agency = serializers.CharField(allow_null=True)


class AgencyCodeField(serializers.SlugRelatedField):
    """An agency by code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Agency.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if "\x00" in str(data):  # PostgreSQL text cannot hold it: refuse before the lookup
            raise serializers.ValidationError("Null characters are not allowed.")
        return super().to_internal_value(data)


class DelegationSerializer(serializers.ModelSerializer):
    agency = AgencyCodeField()
    delegator = serializers.PrimaryKeyRelatedField(read_only=True)
    delegate = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    running = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = [
            "id",
            "agency",
            "delegator",
            "delegate",
            "starts_on",
            "ends_on",
            "ended_at",
            "running",
            "created_at",
        ]
        read_only_fields = ["ended_at", "created_at"]

    def get_running(self, obj) -> bool:
        from policy import dates

        today = dates.today()
        return obj.ended_at is None and obj.starts_on <= today <= obj.ends_on
