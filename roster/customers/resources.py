"""Customers and teams as the API declares them."""

from roster.api import fields as f
from roster.api.resources import Resource, register
from roster.customers import services
from roster.customers.models import Coworker, CoworkerType, Team


@register
class CoworkerResource(Resource):
    name = "Coworker"
    path = "spaces/coworkers"
    model = Coworker
    business = "invoicing_business_id"
    owner = "InvoicingBusiness"
    # Customers are deleted in the admin panel or the command line only.
    can_delete = False
    fields = (
        f.Enum("CoworkerType", "coworker_type", CoworkerType, required=True),
        f.Text("FullName", "full_name", required=True),
        f.Email("Email", "email", required=True),
        f.Text("CompanyName", "company_name"),
        f.Text("BillingName", "billing_name"),
        f.Reference(
            "InvoicingBusiness",
            "invoicing_business",
            target="Business",
            required=True,
            fixed=True,
        ),
        f.Text("InvoicingBusiness.Name", "invoicing_business__name"),
        f.TeamNames("TeamNames"),
        f.Boolean("Active", "active"),
        f.IdList("Teams", "teams", target="Team"),
    )
    label = f.Label("ToStringText", "{}", "full_name")

    save = staticmethod(services.save_coworker)


@register
class TeamResource(Resource):
    name = "Team"
    path = "spaces/teams"
    model = Team
    owner = "Business"
    fields = (
        f.Reference("Business", "business", required=True, fixed=True),
        f.Text("Business.Name", "business__name"),
        f.Text("Name", "name", required=True),
        f.Text("Description", "description"),
        f.IdList("TeamMembers", "members", target="Coworker"),
    )
    label = f.Label("ToStringText", "{}", "name")

    save = staticmethod(services.save_team)

    def delete(self, record, actor):
        services.delete_team(record, actor)
