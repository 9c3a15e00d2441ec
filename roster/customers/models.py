from django.db import models

from roster.core.models import Record


class CoworkerType(models.IntegerChoices):
    INDIVIDUAL = 1, "Individual"
    COMPANY = 2, "Company"


class Coworker(Record):
    """A customer of a business, who enrols in courses.

    A customer's home business is the one that invoices it; its teams belong
    to that business.
    """

    SEARCHABLE = Record.SEARCHABLE + (
        "full_name",
        "email",
        "company_name",
        "billing_name",
    )

    coworker_type = models.PositiveSmallIntegerField(
        choices=CoworkerType.choices, default=CoworkerType.INDIVIDUAL
    )
    full_name = models.CharField(max_length=200)
    full_name_search = models.CharField(max_length=200, default="", editable=False)
    email = models.CharField(max_length=254)
    email_search = models.CharField(max_length=254, default="", editable=False)
    company_name = models.CharField(max_length=200, null=True, blank=True)
    company_name_search = models.CharField(max_length=200, default="", editable=False)
    billing_name = models.CharField(max_length=200, null=True, blank=True)
    billing_name_search = models.CharField(max_length=200, default="", editable=False)
    invoicing_business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="coworkers"
    )
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            # Emails are unique per business, ignoring letter case: the
            # search column holds the case fold.
            models.UniqueConstraint(
                fields=["invoicing_business", "email_search"],
                name="one_email_per_business",
            )
        ]
        indexes = [
            models.Index(fields=["full_name", "id"]),
            models.Index(fields=["company_name", "id"]),
            models.Index(fields=["billing_name", "id"]),
            models.Index(fields=["coworker_type", "id"]),
        ]

    def __str__(self):
        return self.full_name


class Team(Record):
    """A named group of customers within one business."""

    SEARCHABLE = Record.SEARCHABLE + ("name", "description")

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(max_length=200)
    name_search = models.CharField(max_length=200, default="", editable=False)
    description = models.TextField(blank=True, default="")
    description_search = models.TextField(default="", editable=False)
    members = models.ManyToManyField(Coworker, related_name="teams", blank=True)

    def __str__(self):
        return self.name
