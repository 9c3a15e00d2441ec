"""The OAuth2 token endpoint's rules, plugged into oauthlib.

oauthlib parses the grant, routes it and shapes standard errors; this
validator decides who may have a token and stores tokens as digests.
A client_id is optional on the password grant (the email stands in for it)
and must match on refresh. Each user holds one live refresh token per
client: issuing one revokes the others, and using one revokes it.
"""

import datetime as dt
import logging

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauthlib.oauth2 import LegacyApplicationServer, RequestValidator
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from roster.accounts import throttling
from roster.accounts.models import AccessToken, RefreshToken
from roster.accounts.tokens import digest, new_secret

logger = logging.getLogger(__name__)


class TwoFactorRequired(OAuth2Error):
    error = "two_factor_auth_check"
    description = "A valid one-time code (totp) is required for this account."


class Client:
    def __init__(self, client_id):
        self.client_id = client_id


class Validator(RequestValidator):
    """Decisions of the password and refresh-token grants."""

    def __init__(self, http_request):
        self.http_request = http_request
        self.throttled = False

    def client_authentication_required(self, request, *args, **kwargs):
        return False

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        request.client = Client(client_id)
        return True

    def validate_grant_type(self, client_id, grant_type, client, request, *a, **k):
        return grant_type in {"password", "refresh_token"}

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return []

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        return []

    def rotate_refresh_token(self, request):
        return True

    def validate_user(self, username, password, client, request, *args, **kwargs):
        try:
            user = throttling.check_password(self.http_request, username, password)
        except throttling.Throttled:
            self.throttled = True
            return False
        if user is None:
            return False
        code = _one_time_code(request)
        if user.totp_secret and not _valid_code(user, code):
            # A wrong code is a failed login, or the six digits could be
            # guessed without limit; a missing one is the first step of a
            # two-factor sign-in.
            if code:
                throttling.count_failure(self.http_request, username)
            raise TwoFactorRequired(request=request)
        request.user = user
        request.client.client_id = request.client_id or user.email
        return True

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        token = (
            RefreshToken.objects.select_related("user")
            .filter(token_hash=digest(refresh_token), revoked__isnull=True)
            .filter(expires__gt=timezone.now())
            .first()
        )
        if token is None or not token.user.is_active:
            return False
        if token.client_id != (request.client_id or token.user.email):
            return False
        # Revoke first and atomically: of two refreshes racing with one
        # token, only the one whose update lands gets a new token.
        revoked = RefreshToken.objects.filter(pk=token.pk, revoked__isnull=True).update(
            revoked=timezone.now()
        )
        if not revoked:
            return False
        request.user = token.user
        request.client.client_id = token.client_id
        return True

    def save_bearer_token(self, token, request, *args, **kwargs):
        now = timezone.now()
        client_id = request.client.client_id
        with transaction.atomic():
            AccessToken.objects.create(
                user=request.user,
                client_id=client_id,
                token_hash=digest(token["access_token"]),
                expires=now + dt.timedelta(seconds=token["expires_in"]),
            )
            if "refresh_token" in token:
                RefreshToken.objects.filter(
                    user=request.user, client_id=client_id, revoked__isnull=True
                ).update(revoked=now)
                RefreshToken.objects.create(
                    user=request.user,
                    client_id=client_id,
                    token_hash=digest(token["refresh_token"]),
                    expires=now
                    + dt.timedelta(seconds=settings.ROSTER_REFRESH_TOKEN_SECONDS),
                )
        logger.info("Token issued to user %s for client %s", request.user.pk, client_id)


def _one_time_code(request):
    return (getattr(request, "totp", None) or "").strip()


def _valid_code(user, code):
    return bool(code) and pyotp.TOTP(user.totp_secret).verify(code, valid_window=1)


def token_server(validator):
    # oauthlib's own generator gives 30 letters and digits, about 178 bits.
    return LegacyApplicationServer(
        validator,
        token_generator=new_secret,
        refresh_token_generator=new_secret,
        token_expires_in=settings.ROSTER_ACCESS_TOKEN_SECONDS,
    )
