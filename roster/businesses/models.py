from django.db import models

from roster.core.models import Record


class Business(Record):
    """A location: the tenant that owns courses, customers and teams.

    Every other record belongs to exactly one business, and administrators
    who are not full administrators see only the businesses they are given.
    """

    SEARCHABLE = Record.SEARCHABLE + (
        "name",
        "address",
        "city",
        "postcode",
        "email",
        "phone",
        "web_site",
    )

    name = models.CharField(max_length=200)
    name_search = models.CharField(max_length=200, default="", editable=False)
    root_location_id = models.BigIntegerField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True, default="")
    address_search = models.CharField(max_length=500, default="", editable=False)
    city = models.CharField(max_length=200, blank=True, default="")
    city_search = models.CharField(max_length=200, default="", editable=False)
    postcode = models.CharField(max_length=50, blank=True, default="")
    postcode_search = models.CharField(max_length=50, default="", editable=False)
    email = models.CharField(max_length=254, blank=True, default="")
    email_search = models.CharField(max_length=254, default="", editable=False)
    phone = models.CharField(max_length=50, blank=True, default="")
    phone_search = models.CharField(max_length=50, default="", editable=False)
    web_site = models.CharField(max_length=500, blank=True, default="")
    web_site_search = models.CharField(max_length=500, default="", editable=False)
    suspended = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "businesses"

    def __str__(self):
        return self.name
