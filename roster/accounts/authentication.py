"""Who is calling: bearer tokens and HTTP Basic, checked on every request.

The user, its roles and its businesses are read from the database each
time, so a deactivated user or a removed role takes effect at once, and
every server process sees the same answer.
"""

import base64
import binascii
from dataclasses import dataclass

from django.utils import timezone

from roster.accounts import throttling
from roster.accounts.models import AccessToken, User
from roster.accounts.roles import ALL_ROLES
from roster.accounts.tokens import digest


class AuthenticationFailed(Exception):
    """The credentials are missing, malformed or wrong."""


@dataclass(frozen=True)
class Principal:
    """An authenticated administrator with its roles and businesses.

    `businesses` is None for a full administrator, who sees every business;
    otherwise the tuple of business ids whose records exist for it.
    """

    user: User
    roles: frozenset
    businesses: tuple | None

    def has_role(self, role):
        return role in self.roles

    @classmethod
    def of(cls, user):
        if user.full_admin:
            return cls(user, ALL_ROLES, None)
        businesses = tuple(user.businesses.values_list("id", flat=True))
        return cls(user, frozenset(user.roles), businesses)


def authenticate(request):
    """Return the Principal behind the request, or raise AuthenticationFailed."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer" and credentials.strip():
        user = _bearer_user(credentials.strip())
    elif scheme == "basic" and credentials.strip():
        user = _basic_user(request, credentials.strip())
    else:
        raise AuthenticationFailed
    return Principal.of(user)


def _bearer_user(secret):
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=digest(secret), expires__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        raise AuthenticationFailed
    return token.user


def _basic_user(request, credentials):
    try:
        raw = base64.b64decode(credentials, validate=True)
    except (binascii.Error, ValueError):
        raise AuthenticationFailed from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    email, colon, password = text.partition(":")
    if not colon:
        raise AuthenticationFailed
    try:
        user = throttling.check_password(request, email, password)
    except throttling.Throttled:
        raise AuthenticationFailed from None
    # Basic credentials cannot carry a one-time code.
    if user is None or user.totp_secret:
        raise AuthenticationFailed
    return user
