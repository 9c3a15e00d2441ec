"""The Admin Panel's course pages, through signed-in sessions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roster.accounts.roles import ACTIONS, role
from roster.core.models import Change
from roster.courses.models import CompletionType, CourseCompletedLesson, CourseMember
from roster.testing import enrol, make_course, make_customer, make_lesson, utc

MEMBERS = "/admin/courses/coursemember/"
EVERY_ROLE = [
    role(e, a) for e in ("CourseMember", "Course", "Coworker") for a in ACTIONS
]


@pytest.fixture
def north_panel(world, make_panel):
    """An administrator of North Hub only, with every course and customer role."""
    return make_panel(
        "north.admin@example.com", roles=EVERY_ROLE, businesses=[world.north.business]
    )


def shown(response):
    """The names of the customers on a changelist page."""
    assert response.status_code == 200, response.content
    return [member.coworker.full_name for member in response.context["cl"].result_list]


def test_a_full_administrator_sees_every_business(world, make_panel):
    panel = make_panel("root@example.com", full=True)

    response = panel.get(MEMBERS)

    assert sorted(shown(response)) == ["North Member", "South Member"]


def test_another_business_is_absent_from_list_counts_filters_and_search(
    world, north_panel
):
    response = north_panel.get(MEMBERS)

    assert shown(response) == ["North Member"]
    changelist = response.context["cl"]
    assert (changelist.result_count, changelist.full_result_count) == (1, 1)
    page = response.content.decode()
    assert "North Course" in page
    assert "South" not in page
    assert shown(north_panel.get(MEMBERS, {"q": "south"})) == []
    assert shown(north_panel.get(MEMBERS, {"q": "NORTH"})) == ["North Member"]
    assert shown(north_panel.get(MEMBERS, {"q": "north@EXAMPLE"})) == ["North Member"]
    other_course = {"course__id__exact": world.south.course.pk}
    assert shown(north_panel.get(MEMBERS, other_course)) == []


@pytest.mark.parametrize("field", ["coworker", "course"])
def test_autocomplete_offers_only_the_administrators_business(
    world, north_panel, field
):
    params = {
        "app_label": "courses",
        "model_name": "coursemember",
        "field_name": field,
        "term": "",
    }

    response = north_panel.get("/admin/autocomplete/", params)

    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert texts and all(text.startswith("North") for text in texts)


@pytest.mark.parametrize("view", ["change/", "history/", "delete/"])
def test_another_business_record_answers_404_like_a_missing_one(
    world, north_panel, view
):
    south = north_panel.get(f"{MEMBERS}{world.south.member.pk}/{view}")
    missing = north_panel.get(f"{MEMBERS}999999/{view}")
    own = north_panel.get(f"{MEMBERS}{world.north.member.pk}/{view}")

    assert (south.status_code, missing.status_code, own.status_code) == (404, 404, 200)


def test_the_add_form_offers_only_the_administrators_records(world, north_panel):
    response = north_panel.get(f"{MEMBERS}add/")

    form = response.context["adminform"].form
    assert list(form.fields["course"].queryset) == [world.north.course]
    assert set(form.fields["coworker"].queryset) == {
        world.north.coworker,
        world.north.spare,
    }


def test_enrolling_another_business_customer_is_refused(world, north_panel):
    body = {"course": world.north.course.pk, "coworker": world.south.spare.pk}

    response = north_panel.post(f"{MEMBERS}add/", body)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["coworker"]
    assert not CourseMember.objects.filter(coworker=world.south.spare).exists()


def test_references_must_all_be_of_one_business(world, make_panel):
    both = [world.north.business, world.south.business]
    panel = make_panel("both@example.com", roles=EVERY_ROLE, businesses=both)
    body = {"course": world.north.course.pk, "coworker": world.south.spare.pk}

    response = panel.post(f"{MEMBERS}add/", body)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "CoworkerId: CoworkerId must be the id of a Coworker of the same business."
    ]
    assert not CourseMember.objects.filter(coworker=world.south.spare).exists()


def test_without_the_edit_role_a_member_is_shown_but_not_changed(world, make_panel):
    reader = make_panel(
        "reader@example.com",
        roles=["CourseMember-List", "CourseMember-Read"],
        businesses=[world.north.business],
    )
    url = f"{MEMBERS}{world.north.member.pk}/change/"

    page = reader.get(url)
    post = reader.post(url, {"approved": "", "blocked": "on"})
    action = reader.post(
        MEMBERS, {"action": "block", "_selected_action": [world.north.member.pk]}
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert post.status_code == 403
    assert action.status_code == 200  # the action is not offered
    world.north.member.refresh_from_db()
    assert world.north.member.blocked is False
    assert not Change.objects.exists()


def test_without_any_role_of_the_entity_its_pages_are_forbidden(world, make_panel):
    panel = make_panel(
        "teams@example.com", roles=["Team-List"], businesses=[world.north.business]
    )

    assert panel.get(MEMBERS).status_code == 403
    assert panel.get("/admin/customers/team/").status_code == 200


@pytest.mark.parametrize(
    ("action", "approved", "blocked", "changes"),
    [
        ("approve", True, False, {"approved": [False, True]}),
        ("block", False, True, {"blocked": [False, True]}),
    ],
)
def test_bulk_actions_run_the_commands_and_record_the_history(
    world, north_panel, action, approved, blocked, changes
):
    waiting = enrol(world.north.course, world.north.spare)

    response = north_panel.post(
        MEMBERS, {"action": action, "_selected_action": [waiting.pk]}
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.approved, waiting.blocked) == (approved, blocked)
    assert waiting.updated_by == "north.admin@example.com"
    change = Change.objects.get()
    assert (change.actor, change.action, change.entity, change.record_id) == (
        "north.admin@example.com",
        "update",
        "CourseMember",
        waiting.pk,
    )
    assert change.changes == changes


def test_the_change_form_saves_through_the_service(world, north_panel):
    member = world.north.member
    url = f"{MEMBERS}{member.pk}/change/"

    response = north_panel.post(url, {"approved": "on", "blocked": "on"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.blocked is True
    change = Change.objects.get()
    assert change.changes == {"blocked": [False, True]}
    history = north_panel.get(f"{url.removesuffix('change/')}history/")
    assert "north.admin@example.com" in history.content.decode()


def test_a_duplicate_enrolment_is_a_form_error(world, north_panel):
    body = {"course": world.north.course.pk, "coworker": world.north.coworker.pk}

    response = north_panel.post(f"{MEMBERS}add/", body)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Course member with this Course and Coworker already exists."]
    assert CourseMember.objects.filter(course=world.north.course).count() == 1


def test_a_lesson_in_a_section_of_another_course_is_a_form_error(world, make_panel):
    panel = make_panel("root@example.com", full=True)
    other = make_course(world.north.business, "Other course")
    body = {
        "course": other.pk,
        "section": world.north.section.pk,
        "title": "Stray",
        "display_order": 1,
        "unlock_type": 1,
        "unlock_after_days": 0,
        "completion_type": 3,
        "active": "on",
    }

    response = panel.post("/admin/courses/courselesson/add/", body)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "SectionId: SectionId must be the id of a section of the lesson's course."
    ]
    assert not other.lessons.exists()


def test_a_course_that_holds_lessons_is_not_deleted(world, make_panel):
    panel = make_panel("root@example.com", full=True)
    url = f"/admin/courses/course/{world.north.course.pk}/delete/"

    response = panel.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete course" in response.content.decode()
    assert not Change.objects.exists()


def test_the_waiting_queue_lists_enrolments_to_approve(world, north_panel):
    enrol(world.north.course, world.north.spare)

    response = north_panel.get(MEMBERS, {"status": "waiting"})

    assert shown(response) == ["North Spare"]


@pytest.fixture
def pottery(north):
    """A course with three North customers, one of them named like a formula."""
    course = make_course(north, "Pottery")
    other = make_course(north, "Baking")
    ana = make_customer(north, "Ana Smith", company_name="Clay & Co")
    eve = make_customer(north, "=HYPERLINK(1)", email="-eve@example.com")
    bob = make_customer(north, "Bob Stone")
    return {
        "ana": enrol(course, ana, approved=True, created_on=utc("2025-03-01T09:00")),
        "eve": enrol(course, eve, created_on=utc("2025-03-02T10:30:05")),
        "bob": enrol(course, bob, blocked=True, created_on=utc("2025-03-03T11:00")),
        "elsewhere": enrol(other, ana, created_on=utc("2025-03-04T12:00")),
        "course": course,
    }


def test_the_csv_export_holds_exactly_the_filtered_list(pottery, make_panel):
    panel = make_panel("root@example.com", full=True)
    course = pottery["course"]
    params = {"course__id__exact": course.pk, "blocked__exact": "0"}

    response = panel.get(f"{MEMBERS}export/", params)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    name = f"course-members-{timezone.now():%Y-%m-%d}.csv"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    ana, eve = pottery["ana"].pk, pottery["eve"].pk
    assert (
        response.content
        == (
            "\ufeffId,Course,Customer,Email,Customer type,Approved,Blocked,"
            "Last completed lesson,Last access (UTC),Created on (UTC)\r\n"
            f"{eve},Pottery,'=HYPERLINK(1),'-eve@example.com,Individual,No,No,,,"
            "2025-03-02T10:30:05Z\r\n"
            f"{ana},Pottery,Ana Smith,ana@example.com,Individual,Yes,No,,,"
            "2025-03-01T09:00:00Z\r\n"
        ).encode()
    )


def test_the_list_offers_the_export_of_its_filters(pottery, make_panel):
    panel = make_panel("root@example.com", full=True)

    response = panel.get(MEMBERS, {"status": "waiting", "q": "hyper"})

    assert shown(response) == ["=HYPERLINK(1)"]
    assert f'href="{MEMBERS}export/?q=hyper&amp;status=waiting"' in (
        response.content.decode()
    )


def test_the_course_page_shows_its_lessons_members_and_progress(pottery, make_panel):
    course = pottery["course"]
    later = make_lesson(course, "Glazing", display_order=2)
    first = make_lesson(course, "Wedging", display_order=1)
    make_lesson(course, "Reading", display_order=3, completion_type=CompletionType.NONE)
    for member in (pottery["ana"], pottery["eve"]):
        CourseCompletedLesson.objects.create(
            member=member, lesson=first, business=course.business
        )
    panel = make_panel("root@example.com", full=True)

    response = panel.get(f"/admin/courses/course/{course.pk}/change/")

    assert response.status_code == 200
    assert response.context["counts"] == {
        "total": 3,
        "waiting": 1,
        "approved": 1,
        "blocked": 1,
    }
    lessons = response.context["lessons"]
    assert [(x.title, x.completed, x.share, x.trackable) for x in lessons] == [
        ("Wedging", 2, 66.7, True),
        ("Glazing", 0, 0, True),
        ("Reading", 0, 0, False),
    ]
    assert later in lessons
    assert "width: 66.7%" in response.content.decode()


def test_the_member_list_costs_the_same_queries_for_any_number_of_rows(
    world, north_panel
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert north_panel.get(MEMBERS).status_code == 200
        return len(captured)

    few = queries()
    for number in range(20):
        customer = make_customer(
            world.north.business, f"Extra {number}", email=f"extra{number}@example.com"
        )
        enrol(world.north.course, customer)

    assert queries() == few
