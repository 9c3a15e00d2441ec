"""Who is calling: bearer tokens and HTTP Basic, checked on every request.

The user, its roles and its businesses are read from the database each
time, so a deactivated user or a removed role takes effect at once, and
every server process sees the same answer.
"""

import base64
import binascii
import functools
from dataclasses import dataclass

from django.db import connections, models, router
from django.utils import timezone

from roster.accounts import throttling
from roster.accounts.models import AccessToken, User
from roster.accounts.roles import ALL_ROLES
from roster.accounts.tokens import digest
from roster.api.compiled import fetch


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
    def of(cls, user, businesses=None):
        """The principal of `user`; its business ids are read unless given."""
        if user.full_admin:
            return cls(user, ALL_ROLES, None)
        if businesses is None:
            businesses = user.businesses.values_list("id", flat=True)
        return cls(user, frozenset(user.roles), tuple(businesses))


def authenticate(request):
    """Return the Principal behind the request, or raise AuthenticationFailed."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer" and credentials.strip():
        return _bearer_principal(credentials.strip())
    if scheme == "basic" and credentials.strip():
        return Principal.of(_basic_user(request, credentials.strip()))
    raise AuthenticationFailed


# What a principal needs of its user; the other fields load when used.
PRINCIPAL_FIELDS = ("id", "email", "full_admin", "roles")


def _bearer_principal(secret):
    """The token's principal, read with its businesses in one statement.

    Every API request asks this, so the statement is written once and
    prepared rather than built by the ORM each time.
    """
    alias = router.db_for_read(AccessToken)
    connection = connections[alias]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = fetch(alias, _bearer_sql(alias), [digest(secret), now], prepare=True)
    if not rows:
        raise AuthenticationFailed
    user = User.from_db(alias, PRINCIPAL_FIELDS, _user_values(rows[0], connection))
    return Principal.of(user, [row[-1] for row in rows if row[-1] is not None])


def _user_values(row, connection):
    """The values as the ORM would load them (SQLite gives 0 for False)."""
    values = []
    for name, value in zip(PRINCIPAL_FIELDS, row, strict=False):
        field = User._meta.get_field(name)
        if isinstance(field, models.BooleanField):
            value = bool(value)
        elif hasattr(field, "from_db_value"):
            value = field.from_db_value(value, None, connection)
        values.append(value)
    return values


@functools.cache
def _bearer_sql(alias):
    quote = connections[alias].ops.quote_name
    users, tokens = User._meta, AccessToken._meta
    through = User.businesses.through._meta
    owner = through.get_field("user").column
    business = through.get_field("business").column
    columns = ", ".join(
        "u." + quote(users.get_field(name).column) for name in PRINCIPAL_FIELDS
    )
    return (
        f"SELECT {columns}, b.{quote(business)} "
        f"FROM {quote(tokens.db_table)} t JOIN {quote(users.db_table)} u "
        f"ON u.{quote(users.pk.column)} = t.{quote(tokens.get_field('user').column)} "
        f"LEFT JOIN {quote(through.db_table)} b "
        f"ON b.{quote(owner)} = u.{quote(users.pk.column)} "
        f"WHERE t.{quote('token_hash')} = %s AND t.{quote('expires')} > %s "
        f"AND u.{quote('is_active')}"
    )


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
