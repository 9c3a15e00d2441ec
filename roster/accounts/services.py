"""Changes to logins, each in one transaction."""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from roster.accounts.models import AccessToken, RefreshToken, User
from roster.accounts.roles import ALL_ROLES
from roster.core.errors import RuleBroken
from roster.customers.models import Coworker, CoworkerType
from roster.customers.services import save_coworker

logger = logging.getLogger(__name__)


@transaction.atomic
def save_administrator(
    email, password=None, *, roles=(), businesses=(), full=None, active=True
):
    """Create an administrator, or update the one with this email.

    With `full` the administrator holds every role everywhere; otherwise it
    holds `roles` within `businesses` (Business records or ids). A password
    of None leaves an existing password as it is; `active` False keeps the
    login from signing in anywhere.
    """
    email = email.strip().lower()
    validate_email(email)
    unknown = sorted(set(roles) - ALL_ROLES)
    if unknown:
        raise ValidationError(f"Unknown roles: {', '.join(unknown)}")

    user = User.objects.with_email(email).first() or User(email=email)
    created = user.pk is None
    if password is not None:
        user.set_password(password)
    if full is not None:
        user.full_admin = full
    user.roles = sorted(roles)
    user.is_active = active
    user.save()
    user.businesses.set(businesses)
    if password is not None and not created:
        revoke_tokens(user)

    logger.info("Administrator %s %s", user.pk, "created" if created else "updated")
    return user


def revoke_tokens(user):
    """End every access and refresh token of a login."""
    AccessToken.objects.filter(user=user).delete()
    RefreshToken.objects.filter(user=user, revoked__isnull=True).update(
        revoked=timezone.now()
    )


LOGIN_TAKEN = "Email is already used by a login; sign in or reset the password."


@transaction.atomic
def sign_up_customer(business, full_name, email, password):
    """Create a customer of `business` and its portal login, together.

    The login's email is unique among all logins, and the customer's among
    the customers of the business; either refusal creates nothing.
    """
    email = email.strip()
    if business.suspended:
        message = "The business does not take sign-ups now."
        raise RuleBroken("InvoicingBusinessId", business.pk, message)
    if User.objects.with_email(email).exists():
        raise RuleBroken("Email", email, LOGIN_TAKEN)
    coworker = save_coworker(
        Coworker(),
        {
            "coworker_type": CoworkerType.INDIVIDUAL,
            "full_name": full_name.strip(),
            "email": email,
            "billing_name": full_name.strip(),
            "invoicing_business_id": business.pk,
        },
        email,
    )
    user = User(email=email.lower(), coworker=coworker)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another sign-up took the email between the check and the write.
        raise RuleBroken("Email", email, LOGIN_TAKEN) from None
    logger.info("Customer %s signed up with login %s", coworker.pk, user.pk)
    return user


def set_password(user, password):
    """Give an administrator a new password, keeping its roles and businesses."""
    return save_administrator(
        user.email,
        password,
        roles=user.roles,
        businesses=list(user.businesses.all()),
        full=user.full_admin,
        active=user.is_active,
    )
