"""Every change to customers and teams, one transaction each."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from roster.core.errors import RuleBroken
from roster.core.services import delete_record, save_record
from roster.core.text import fold
from roster.customers.models import Coworker

DUPLICATE_EMAIL = "Email is already used by another customer of this business."


def save_coworker(coworker, values, actor):
    """Create or update a customer.

    The email is unique among the customers of one business, ignoring
    letter case; the teams, if given, replace the customer's teams.
    """
    email = values.get("email", coworker.email)
    try:
        validate_email(email)
    except ValidationError:
        raise RuleBroken("Email", email, "Email must be an email address.") from None
    business = values.get("invoicing_business_id", coworker.invoicing_business_id)
    taken = Coworker.objects.filter(
        invoicing_business_id=business, email_search=fold(email)
    ).exclude(pk=coworker.pk)
    if taken.exists():
        raise RuleBroken("Email", email, DUPLICATE_EMAIL)
    try:
        with transaction.atomic():
            return save_record(coworker, values, actor)
    except IntegrityError:
        # Another request took the email between the check and the write.
        raise RuleBroken("Email", email, DUPLICATE_EMAIL) from None


def delete_coworker(coworker, actor):
    """Delete a customer who holds no enrolments (admin panel and CLI only)."""
    if coworker.enrolments.exists():
        message = "The customer is still enrolled in courses; remove them first."
        raise RuleBroken("Id", coworker.pk, message)
    delete_record(coworker, actor)


def save_team(team, values, actor):
    """Create or update a team; its members, if given, replace the old ones."""
    return save_record(team, values, actor)


def delete_team(team, actor):
    delete_record(team, actor)
