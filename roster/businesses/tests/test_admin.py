"""Businesses and customers written from the Admin Panel."""

from roster.businesses.models import Business
from roster.core.models import Change
from roster.customers.models import Coworker
from roster.testing import make_customer

BUSINESSES = "/admin/businesses/business/"


def test_a_full_administrator_creates_and_deletes_a_business(make_panel):
    panel = make_panel("root@example.com", full=True)

    created = panel.post(f"{BUSINESSES}add/", {"name": "East Hub"})
    east = Business.objects.get(name="East Hub")
    deleted = panel.post(f"{BUSINESSES}{east.pk}/delete/", {"post": "yes"})

    assert (created.status_code, deleted.status_code) == (302, 302)
    assert not Business.objects.filter(pk=east.pk).exists()
    actions = list(Change.objects.order_by("id").values_list("action", "actor"))
    assert actions == [("create", "root@example.com"), ("delete", "root@example.com")]


def test_an_administrator_of_some_businesses_cannot_create_one(north, make_panel):
    panel = make_panel(
        "north@example.com",
        roles=["Business-List", "Business-Create", "Business-Edit"],
        businesses=[north],
    )

    assert panel.get(f"{BUSINESSES}add/").status_code == 403
    response = panel.get(BUSINESSES)
    assert [b.name for b in response.context["cl"].result_list] == ["North Hub"]


def test_a_customer_is_deleted_through_its_service(north, make_panel):
    panel = make_panel("root@example.com", full=True)
    customer = make_customer(north, "Dana Leaving")

    url = f"/admin/customers/coworker/{customer.pk}/delete/"
    response = panel.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Coworker.objects.filter(pk=customer.pk).exists()
    change = Change.objects.get()
    assert (change.entity, change.action, change.record_id) == (
        "Coworker",
        "delete",
        customer.pk,
    )


def test_a_customer_teams_are_offered_and_saved_within_its_business(world, make_panel):
    panel = make_panel(
        "north@example.com",
        roles=["Coworker-List", "Coworker-Read", "Coworker-Edit"],
        businesses=[world.north.business],
    )
    spare = world.north.spare
    url = f"/admin/customers/coworker/{spare.pk}/change/"

    form = panel.get(url).context["adminform"].form
    foreign = panel.post(url, {**_customer(spare), "teams": [world.south.team.pk]})
    own = panel.post(url, {**_customer(spare), "teams": [world.north.team.pk]})

    assert list(form.fields["teams"].queryset) == [world.north.team]
    assert foreign.status_code == 200
    assert own.status_code == 302
    assert list(spare.teams.all()) == [world.north.team]
    assert Change.objects.get().changes == {"teams": [[], [world.north.team.pk]]}


def _customer(coworker):
    return {
        "coworker_type": coworker.coworker_type,
        "full_name": coworker.full_name,
        "email": coworker.email,
        "active": "on",
    }
