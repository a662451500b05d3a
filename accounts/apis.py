from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .models import AuthToken
from .services import token_create, token_revoke

SIGNIN_LOCKED = (
    "Too many sign-in attempts for this username or from this address. Wait a few minutes "
    "and try again."
)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=8,
        required=False,
        help_text="With LOCAL_PASSWORDS=0, an administrator's code from their authenticator app.",
    )


TokenSerializer = inline_serializer(
    "Token", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)


class TokenObtainApi(APIView):
    """Exchange a username and password for an API token that expires."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Missing fields or wrong username or password."),
            429: OpenApiResponse(description="Too many attempts; wait and try again."),
        },
        auth=[],
    )
    def post(self, request):
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None and getattr(request, "axes_locked_out", False):
            # The same answer whether or not the account exists: only the name was counted.
            return Response(
                {"code": "signin_locked", "detail": SIGNIN_LOCKED},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]}
            )
        if not settings.LOCAL_PASSWORDS and user.is_superuser:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            code = serializer.validated_data.get("otp", "")
            if device is None or not code or not device.verify_token(code):
                raise serializers.ValidationError(
                    {"otp": ["A current code from your authenticator app is required."]}
                )
        # An account that has signed in is one whose email only its owner or an administrator
        # changes (agencies.services.check_may_change).
        update_last_login(None, user)
        key, token = token_create(user=user)
        return Response({"token": key, "expires_at": token.expires_at})


class TokenRevokeApi(APIView):
    """Log out: revoke the token this request was made with."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 400: OpenApiResponse(description="Not a token session.")},
    )
    def post(self, request):
        if not isinstance(request.auth, AuthToken):
            raise serializers.ValidationError(
                {"non_field_errors": ["This request was not made with a token."]}
            )
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
