"""The course rules, as the API shows them: enrolments, commands, progress."""

import pytest

from roster.core.models import Change
from roster.courses.models import CourseCompletedLesson, CourseMember
from roster.testing import enrol, invalid, make_course, make_lesson, utc

MEMBERS = "/api/content/coursemembers"
COMPLETIONS = "/api/content/coursecompletedlessons"
LESSONS = "/api/content/courselessons"
SECTIONS = "/api/content/coursesections"
COURSES = "/api/content/courses"
COWORKERS = "/api/spaces/coworkers"


def member_of(api, member):
    return api.get(f"{MEMBERS}/{member.id}").json()


def complete(api, lesson, member):
    return api.post(
        COMPLETIONS, {"CourseLessonId": lesson.id, "CourseMemberId": member.id}
    )


# Enrolments


def test_a_customer_is_enrolled_in_a_course_once(admin, world):
    site = world.north
    body = {"CourseId": site.course.id, "CoworkerId": site.coworker.id}

    response = admin.post(MEMBERS, body)

    message = "CoworkerId is already enrolled in this course."
    assert response.json() == invalid(("CoworkerId", site.coworker.id, message))
    assert CourseMember.objects.filter(course=site.course).count() == 1


def test_a_customer_of_another_business_cannot_enrol(admin, world):
    body = {"CourseId": world.north.course.id, "CoworkerId": world.south.spare.id}

    response = admin.post(MEMBERS, body)

    message = "CoworkerId must be the id of a Coworker of the same business."
    assert response.json() == invalid(("CoworkerId", world.south.spare.id, message))


@pytest.mark.parametrize("key", ["CourseId", "CoworkerId"])
def test_the_course_and_customer_of_an_enrolment_never_change(admin, world, key):
    record = member_of(admin, world.north.member)
    other = make_course(world.north.business, "Other")
    enrol(other, world.north.spare)
    new_value = {"CourseId": other.id, "CoworkerId": world.north.spare.id}[key]

    response = admin.put(MEMBERS, {**record, key: new_value})

    message = f"{key} cannot change after the record is created."
    assert response.json() == invalid((key, new_value, f"{message}"))


def test_the_first_approval_is_remembered(admin, world):
    site = world.north
    created = admin.post(
        MEMBERS, {"CourseId": site.course.id, "CoworkerId": site.spare.id}
    )
    member = CourseMember.objects.get(pk=created.json()["Value"]["Id"])
    assert member.approved_on is None

    record = member_of(admin, member)
    admin.put(MEMBERS, {**record, "Approved": True})
    first = CourseMember.objects.get(pk=member.pk).approved_on
    admin.put(MEMBERS, {**record, "Approved": False})
    admin.put(MEMBERS, {**record, "Approved": True})

    assert first is not None
    assert CourseMember.objects.get(pk=member.pk).approved_on == first


# Commands


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        ("APPROVE", "Approved", True),
        ("approve", "Approved", True),
        ("UNAPPROVE", "Approved", False),
        ("BLOCK", "Blocked", True),
        ("UNBLOCK", "Blocked", False),
    ],
)
def test_a_command_changes_every_member_named(admin, world, key, field, value):
    site = world.north
    spare = enrol(site.course, site.spare, approved=not value, blocked=not value)
    members = [site.member, spare]
    CourseMember.objects.update(approved=not value, blocked=not value)

    response = admin.post(
        f"{MEMBERS}/runcommand",
        {"Key": key, "Ids": [m.id for m in members], "Parameters": []},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["Message"], body["Value"], body["WasSuccessful"]) == (
        "The command was run correctly.",
        [site.member.id, spare.id],
        True,
    )
    assert [member_of(admin, m)[field] for m in members] == [value, value]
    assert Change.objects.filter(entity="CourseMember", action="update").count() == 2


def test_a_command_with_one_unknown_id_changes_nothing(admin, world):
    site = world.north
    CourseMember.objects.update(blocked=False)

    response = admin.post(
        f"{MEMBERS}/runcommand", {"Key": "BLOCK", "Ids": [site.member.id, 987654321]}
    )

    message = "Ids must be ids of existing CourseMember records."
    assert response.json() == invalid(("Ids", [987654321], message))
    assert member_of(admin, site.member)["Blocked"] is False


def test_a_command_does_not_reach_another_business(make_api, world):
    north = world.north.business
    clerk = make_api("clerk@example.com", ["CourseMember-Edit"], [north])
    foreign = world.south.member

    response = clerk.post(
        f"{MEMBERS}/runcommand", {"Key": "BLOCK", "Ids": [foreign.id]}
    )

    assert response.status_code == 400
    assert CourseMember.objects.get(pk=foreign.pk).blocked is False


def test_the_commands_are_listed(admin, world):
    response = admin.get(f"{MEMBERS}/commands")

    assert response.json() == [
        {"Key": "APPROVE", "Name": "Approve"},
        {"Key": "UNAPPROVE", "Name": "Unapprove"},
        {"Key": "BLOCK", "Name": "Block"},
        {"Key": "UNBLOCK", "Name": "Unblock"},
    ]


def test_an_unknown_command_is_refused(admin, world):
    response = admin.post(f"{MEMBERS}/runcommand", {"Key": "PROMOTE", "Ids": [1]})

    message = (
        "Key must name a command of CourseMember: APPROVE, UNAPPROVE, BLOCK, UNBLOCK."
    )
    assert response.json() == invalid(("Key", "PROMOTE", message))


def test_a_command_without_ids_is_refused(admin, world):
    response = admin.post(f"{MEMBERS}/runcommand", {"Key": "BLOCK"})

    message = "Ids must be a list of at most 10000 whole-number ids."
    assert response.status_code == 400
    assert response.json() == invalid(("Ids", None, message))
    assert member_of(admin, world.north.member)["Blocked"] is False


# Progress


def test_completing_a_lesson_moves_the_member_on(admin, world):
    site = world.north

    response = complete(admin, site.second_lesson, site.member)

    assert response.status_code == 200
    record = member_of(admin, site.member)
    completion = CourseCompletedLesson.objects.get(pk=response.json()["Value"]["Id"])
    assert record["LastCompletedLessonId"] == site.second_lesson.id
    assert record["LastCompletedLessonTitle"] == "Second lesson"
    assert record["LastAccess"] == f"{completion.created_on:%Y-%m-%dT%H:%M:%SZ}"


def test_a_lesson_is_completed_once_per_member(admin, world):
    site = world.north

    response = complete(admin, site.lesson, site.member)

    message = "CourseLessonId is already completed by this member."
    assert response.json() == invalid(("CourseLessonId", site.lesson.id, message))
    assert site.member.completed_lessons.count() == 1


def test_only_a_lesson_of_the_member_s_course_can_be_completed(admin, world):
    site = world.north
    other = make_lesson(make_course(site.business, "Other"), "Elsewhere")

    response = complete(admin, other, site.member)

    message = "CourseLessonId must be the id of a lesson of the member's course."
    assert response.json() == invalid(("CourseLessonId", other.id, message))


def test_deleting_a_completion_moves_back_to_the_latest_remaining(admin, world):
    site = world.north
    CourseCompletedLesson.objects.filter(pk=site.completion.pk).update(
        created_on=utc("2025-01-01T10:00")
    )
    later = complete(admin, site.second_lesson, site.member).json()["Value"]["Id"]

    admin.delete(f"{COMPLETIONS}/{later}")
    after_one = member_of(admin, site.member)["LastCompletedLessonId"]
    admin.delete(f"{COMPLETIONS}/{site.completion.id}")
    after_both = member_of(admin, site.member)["LastCompletedLessonId"]

    assert (after_one, after_both) == (site.lesson.id, None)


def test_deleting_a_lesson_deletes_its_completions_and_moves_members(admin, world):
    site = world.north
    CourseCompletedLesson.objects.filter(pk=site.completion.pk).update(
        created_on=utc("2025-01-01T10:00")
    )
    complete(admin, site.second_lesson, site.member)

    response = admin.delete(f"{LESSONS}/{site.second_lesson.id}")

    assert response.status_code == 200
    assert member_of(admin, site.member)["LastCompletedLessonId"] == site.lesson.id
    assert list(site.member.completed_lessons.values_list("lesson", flat=True)) == [
        site.lesson.id
    ]


def test_deleting_a_member_deletes_its_completions(admin, world):
    site = world.north

    response = admin.delete(f"{MEMBERS}/{site.member.id}")

    assert response.status_code == 200
    assert not CourseCompletedLesson.objects.filter(member_id=site.member.id).exists()


@pytest.mark.parametrize(
    ("path", "record", "message"),
    [
        (
            COURSES,
            "course",
            "The course still holds lessons or members; delete them first.",
        ),
        (
            SECTIONS,
            "section",
            "The section still holds lessons; move or delete them first.",
        ),
    ],
)
def test_a_course_or_section_holding_lessons_is_not_deleted(
    admin, world, path, record, message
):
    record_id = getattr(world.north, record).id

    response = admin.delete(f"{path}/{record_id}")

    assert response.json() == invalid(("Id", record_id, message))
    assert admin.get(f"{path}/{record_id}").status_code == 200


def test_a_lesson_s_section_is_of_its_own_course(admin, world):
    site = world.north
    other = make_course(site.business, "Other")
    body = {
        "CourseId": other.id,
        "SectionId": site.section.id,
        "Title": "Misplaced",
        "DisplayOrder": 1,
    }

    response = admin.post(LESSONS, body)

    message = "SectionId must be the id of a section of the lesson's course."
    assert response.json() == invalid(("SectionId", site.section.id, message))


# Customers


def coworker_body(world, **values):
    body = {
        "CoworkerType": 1,
        "FullName": "Nia Okafor",
        "Email": "nia@example.com",
        "InvoicingBusinessId": world.north.business.id,
    }
    return {**body, **values}


def test_an_email_is_unique_in_a_business_ignoring_case(admin, world):
    taken = admin.post(COWORKERS, coworker_body(world, Email="NORTH@example.COM"))
    elsewhere = admin.post(
        COWORKERS,
        coworker_body(
            world,
            Email="north@example.com",
            InvoicingBusinessId=world.south.business.id,
        ),
    )

    message = "Email is already used by another customer of this business."
    assert taken.json() == invalid(("Email", "NORTH@example.COM", message))
    assert elsewhere.status_code == 200


def test_an_email_must_be_an_email_address(admin, world):
    response = admin.post(COWORKERS, coworker_body(world, Email="not an email"))

    message = "Email must be an email address."
    assert response.json() == invalid(("Email", "not an email", message))


def test_teams_given_replace_the_customer_s_teams(admin, world):
    site = world.north
    record = admin.get(f"{COWORKERS}/{site.coworker.id}").json()
    assert record["Teams"] == [site.team.id]

    admin.put(COWORKERS, {**record, "Teams": []})

    after = admin.get(f"{COWORKERS}/{site.coworker.id}").json()
    assert (after["Teams"], after["TeamNames"]) == ([], None)


def test_a_team_of_another_business_is_refused(admin, world):
    body = coworker_body(world, Teams=[world.north.team.id, world.south.team.id])

    response = admin.post(COWORKERS, body)

    message = "Teams must be the id of a Team of the same business."
    assert response.json() == invalid(("Teams", body["Teams"], message))


def test_every_write_is_in_the_history(admin, world):
    site = world.north
    record = admin.get(f"{COURSES}/{site.course.id}").json()

    admin.put(COURSES, {**record, "Title": "Renamed"})

    change = Change.objects.get(entity="Course", record_id=site.course.id)
    assert (change.actor, change.action, change.changes["title"]) == (
        "admin@example.com",
        "update",
        ["North Course", "Renamed"],
    )
