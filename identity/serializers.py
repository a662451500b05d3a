from __future__ import annotations

from rest_framework import serializers

from agencies.serializers import MeSerializer


class MeUpdateSerializer(serializers.Serializer):
    """What a person changes of their own profile. Everything else `me/` shows (username,
    roles, the employee record: unit, appointment, agency, roster) is read-only here and kept
    by coordinators and administrators; sent anyway, it is ignored, as every read-only field of
    the API is."""

    first_name = serializers.CharField(
        required=False, max_length=150, help_text="Changed at once; ledgered."
    )
    last_name = serializers.CharField(
        required=False, max_length=150, help_text="Changed at once; ledgered."
    )
    email = serializers.EmailField(
        required=False,
        max_length=254,
        help_text="A new address is not set at once: a confirmation link goes to it, and the "
        "change is made when the person opens it signed in (the old address is then told).",
    )


class MeUpdatedSerializer(MeSerializer):
    email_confirmation_sent_to = serializers.EmailField(
        allow_null=True,
        help_text="The new address a confirmation link was sent to; null when the email did "
        "not change.",
    )
