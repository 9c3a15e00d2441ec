"""Businesses as the API declares them: searched, read and updated only."""

from roster.api import fields as f
from roster.api.resources import Resource, register
from roster.businesses import services
from roster.businesses.models import Business


@register
class BusinessResource(Resource):
    name = "Business"
    path = "sys/businesses"
    model = Business
    business = "id"
    can_create = False
    can_delete = False
    fields = (
        f.Text("Name", "name", required=True),
        f.Integer("RootLocationId", "root_location_id"),
        f.Text("Address", "address"),
        f.Text("City", "city"),
        f.Text("Postcode", "postcode"),
        f.Text("Email", "email"),
        f.Text("Phone", "phone"),
        f.Text("WebSite", "web_site"),
        f.Boolean("Suspended", "suspended"),
    )
    label = f.Label("ToStringText", "{}", "name")

    save = staticmethod(services.save_business)
