"""The history in the Admin Panel, and the CSV files it exports."""

import pytest

from roster.core.exports import content_disposition, csv_response
from roster.core.models import Change
from roster.courses import services

CHANGES = "/admin/core/change/"


def test_every_cell_that_could_be_a_formula_is_neutralised():
    rows = [["=1+1", "+2", "-3", "@SUM(A1)", "\tx", "\ry", "plain", None, 7]]

    response = csv_response("x.csv", ["=Head", "Other"], rows)

    assert response.content.decode("utf-8") == (
        "\ufeff'=Head,Other\r\n'=1+1,'+2,'-3,'@SUM(A1),'\tx,\"'\ry\",plain,,7\r\n"
    )


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            "members.csv",
            "attachment; filename=\"members.csv\"; filename*=UTF-8''members.csv",
        ),
        (
            "Élèves.csv",
            'attachment; filename="?l?ves.csv"; '
            "filename*=UTF-8''%C3%89l%C3%A8ves.csv",
        ),
    ],
)
def test_the_file_name_follows_rfc_6266(name, header):
    assert content_disposition(name) == header


@pytest.fixture
def history(world):
    """One approval in each business, by the API's own command."""
    services.unapprove_members([world.north.member], "api@example.com")
    services.unapprove_members([world.south.member], "api@example.com")
    return world


def test_a_record_history_shows_who_changed_what_and_when(history, make_panel):
    panel = make_panel("root@example.com", full=True)
    url = f"/admin/courses/coursemember/{history.north.member.pk}/history/"

    response = panel.get(url)

    assert response.status_code == 200
    assert [c.actor for c in response.context["changes"]] == ["api@example.com"]
    page = response.content.decode()
    assert "<code>approved</code>: True &rarr; False" in page


def test_the_history_list_is_filtered_by_entity_and_actor(history, make_panel):
    panel = make_panel("root@example.com", full=True)

    members = panel.get(CHANGES, {"entity": "CourseMember"})
    courses = panel.get(CHANGES, {"entity": "Course"})
    by_actor = panel.get(CHANGES, {"actor": "api@example.com"})

    assert members.context["cl"].result_count == 2
    assert courses.context["cl"].result_count == 0
    assert by_actor.context["cl"].result_count == 2


def test_the_history_list_holds_only_the_administrators_business(history, make_panel):
    panel = make_panel(
        "north@example.com",
        roles=["CourseMember-List"],
        businesses=[history.north.business],
    )

    response = panel.get(CHANGES)

    records = [c.record_id for c in response.context["cl"].result_list]
    assert records == [history.north.member.pk]
    assert "South" not in response.content.decode()


def test_the_history_cannot_be_written(history, make_panel):
    panel = make_panel("root@example.com", full=True)
    change = Change.objects.first()

    assert panel.get(f"{CHANGES}add/").status_code == 403
    assert (
        panel.post(f"{CHANGES}{change.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Change.objects.count() == 2
