from __future__ import annotations

from rest_framework import serializers

from agencies.models import MentoringOrganization

from .models import ConfirmationLink, VerificationContact


class VerificationContactSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=MentoringOrganization.objects.all())
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)

    class Meta:
        model = VerificationContact
        fields = ["id", "organization", "name", "email", "active", "last_emailed_on", "changed_at"]
        read_only_fields = ["last_emailed_on", "changed_at"]


class ConfirmationLinkSerializer(serializers.ModelSerializer):
    contact = serializers.PrimaryKeyRelatedField(read_only=True)
    organization = serializers.IntegerField(source="contact.organization_id", read_only=True)
    entries = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ConfirmationLink
        fields = [
            "id",
            "contact",
            "organization",
            "prefix",
            "entries",
            "created_at",
            "expires_at",
            "revoked_at",
        ]
        read_only_fields = fields
