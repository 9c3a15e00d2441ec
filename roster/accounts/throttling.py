"""Password checks, slowed down for accounts and addresses under attack.

Failures are counted in the shared cache (the database, or a cache server
when configured) per account and per client address, within a window that
each failure starts again. Past either limit, passwords are not checked at
all until the window ends.
Counting by the email given, not by the account, keeps the answer the same
whether the account exists or not.
"""

import logging

from django.conf import settings
from django.core.cache import cache

from roster.accounts.models import User
from roster.accounts.tokens import digest

logger = logging.getLogger(__name__)


class Throttled(Exception):
    """Too many failed logins for this account or this address."""


def client_address(request):
    """The caller's address: the socket peer, or what trusted proxies say.

    Each trusted proxy is believed for one hop of X-Forwarded-For; a header
    that reaches the server from anyone else changes nothing.
    """
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while address in settings.ROSTER_TRUSTED_PROXIES and hops:
        address = hops.pop()
    return address


def _keys(request, email):
    # Digests keep every key short and plain whatever was sent: the
    # database cache silently drops a key over 255 characters, so a long
    # email would never be counted, and PostgreSQL refuses NUL outright.
    return (
        "login-fail:account:" + digest(email.strip().lower()),
        "login-fail:address:" + digest(client_address(request)),
    )


def _limits():
    return (
        settings.ROSTER_LOGIN_FAILURES_PER_ACCOUNT,
        settings.ROSTER_LOGIN_FAILURES_PER_ADDRESS,
    )


def check_password(request, email, password):
    """Return the active user with these credentials, or None.

    Raise Throttled, without checking the password, while the account or
    the address has used up its failures.
    """
    keys = _keys(request, email)
    counts = cache.get_many(keys)
    if any(
        counts.get(key, 0) >= limit for key, limit in zip(keys, _limits(), strict=True)
    ):
        logger.warning("Login refused while throttled")
        raise Throttled

    user = _active_user(email)
    if user is None:
        # Hash anyway, so that timing does not tell which accounts exist.
        User().set_password(password)
    elif user.check_password(password):
        return user

    _count_failure(keys)
    return None


def count_failure(request, email):
    """Count a failure the password check cannot see, such as a wrong code."""
    _count_failure(_keys(request, email))


def _active_user(email):
    # No stored email holds NUL, and PostgreSQL refuses one in a query.
    if "\x00" in email:
        return None
    return User.objects.with_email(email).filter(is_active=True).first()


def _count_failure(keys):
    window = settings.ROSTER_LOGIN_WINDOW_SECONDS
    for key in keys:
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            # The counter expired between add() and incr().
            cache.set(key, 1, window)
        else:
            # The database cache's incr() writes the count back with the
            # cache's default timeout, not the window; set the window again.
            cache.touch(key, window)
