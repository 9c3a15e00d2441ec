from django.db import models

from roster.core.models import Record


class Business(Record):
    """A location: the tenant that owns courses, customers and teams.

    Every other record belongs to exactly one business, and administrators
    who are not full administrators see only the businesses they are given.
    """

    SEARCHABLE = Record.SEARCHABLE + ("name", "city")

    name = models.CharField(max_length=200)
    name_search = models.CharField(max_length=200, default="", editable=False)
    root_location_id = models.BigIntegerField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True, default="")
    city = models.CharField(max_length=200, blank=True, default="")
    city_search = models.CharField(max_length=200, default="", editable=False)
    postcode = models.CharField(max_length=50, blank=True, default="")
    email = models.CharField(max_length=254, blank=True, default="")
    phone = models.CharField(max_length=50, blank=True, default="")
    web_site = models.CharField(max_length=500, blank=True, default="")
    suspended = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "businesses"

    def __str__(self):
        return self.name
