"""Which lessons a member may open, and how far it has come."""

import datetime as dt

import pytest

from roster.courses import progress
from roster.courses.models import (
    CompletionType,
    CourseCompletedLesson,
    CourseSection,
    UnlockType,
)
from roster.testing import enrol, make_course, make_customer, make_lesson, utc

APPROVED_ON = utc("2026-03-01T09:30:00")
IMMEDIATE, SEQUENTIAL, TIMED = UnlockType
NONE, VISITED, BUTTON, VIDEO = CompletionType


@pytest.fixture
def course(north):
    return make_course(north, "Pottery Wheel")


@pytest.fixture
def member(course):
    ana = make_customer(course.business, "Ana Smith")
    return enrol(course, ana, approved=True, approved_on=APPROVED_ON)


def lessons(course, *specs, section=None):
    """Lessons in the given order: (title, unlock, days, completion)."""
    made = {}
    for order, (title, unlock, days, completion) in enumerate(specs):
        made[title] = make_lesson(
            course,
            title,
            section=section,
            display_order=order,
            unlock_type=unlock,
            unlock_after_days=days,
            completion_type=completion,
        )
    return made


def complete(member, *done):
    for lesson in done:
        CourseCompletedLesson.objects.create(
            member=member, lesson=lesson, business=member.business
        )


def opened(course, member, now=APPROVED_ON):
    """Title → open, in the lesson order."""
    return {
        state.lesson.title: state.open
        for state in progress.lesson_states(course, member, now)
    }


# Who may see content at all


@pytest.mark.parametrize(
    "flags, course_active, expected",
    [
        ({"approved": True}, True, True),
        ({"approved": False}, True, False),
        ({"approved": True, "blocked": True}, True, False),
        ({"approved": True}, False, False),
    ],
    ids=["approved", "waiting", "blocked", "course inactive"],
)
def test_content_opens_only_to_approved_unblocked_members_of_active_courses(
    course, flags, course_active, expected
):
    lessons(course, ("Clay", IMMEDIATE, 0, BUTTON))
    course.active = course_active
    course.save()
    member = enrol(course, make_customer(course.business, "Ana Smith"), **flags)

    assert opened(course, member) == {"Clay": expected}


def test_nothing_opens_to_a_customer_not_enrolled(course):
    lessons(course, ("Clay", IMMEDIATE, 0, BUTTON))

    assert opened(course, None) == {"Clay": False}


# Sequential


def test_a_sequential_lesson_waits_for_the_previous_one(course, member):
    made = lessons(
        course, ("Clay", IMMEDIATE, 0, BUTTON), ("Wheel", SEQUENTIAL, 0, BUTTON)
    )
    state = progress.lesson_state(course, member, made["Wheel"], APPROVED_ON)

    assert opened(course, member) == {"Clay": True, "Wheel": False}
    assert state.waits_for == made["Clay"]

    complete(member, made["Clay"])
    assert opened(course, member) == {"Clay": True, "Wheel": True}


def test_a_sequential_first_lesson_is_open(course, member):
    lessons(course, ("Clay", SEQUENTIAL, 0, BUTTON))

    assert opened(course, member) == {"Clay": True}


@pytest.mark.parametrize("change", ["deleted", "inactive", "not tracked"])
def test_sequential_skips_lessons_that_no_longer_count(course, member, change):
    made = lessons(
        course,
        ("Clay", IMMEDIATE, 0, BUTTON),
        ("Glaze", IMMEDIATE, 0, BUTTON),
        ("Kiln", SEQUENTIAL, 0, BUTTON),
    )
    complete(member, made["Clay"])
    glaze = made["Glaze"]
    if change == "deleted":
        glaze.delete()
    elif change == "inactive":
        glaze.active = False
        glaze.save()
    else:
        glaze.completion_type = NONE
        glaze.save()

    assert opened(course, member)["Kiln"] is True


def test_sequential_waits_for_the_nearest_earlier_lesson_only(course, member):
    made = lessons(
        course,
        ("Clay", IMMEDIATE, 0, BUTTON),
        ("Glaze", IMMEDIATE, 0, BUTTON),
        ("Kiln", SEQUENTIAL, 0, BUTTON),
    )
    complete(member, made["Glaze"])

    assert opened(course, member)["Kiln"] is True


# Timed


@pytest.mark.parametrize(
    "now, expected",
    [
        (APPROVED_ON + dt.timedelta(hours=48) - dt.timedelta(seconds=1), False),
        (APPROVED_ON + dt.timedelta(hours=48), True),
        (APPROVED_ON + dt.timedelta(days=30), True),
    ],
    ids=["a second before", "at the second", "long after"],
)
def test_a_timed_lesson_opens_its_days_after_approval_to_the_second(
    course, member, now, expected
):
    made = lessons(course, ("Kiln", TIMED, 2, BUTTON))
    state = progress.lesson_state(course, member, made["Kiln"], now)

    assert state.open is expected
    unlocks_on = None if expected else utc("2026-03-03T09:30:00")
    assert state.unlocks_on == unlocks_on


def test_a_timed_lesson_of_zero_days_is_open_at_approval(course, member):
    lessons(course, ("Kiln", TIMED, 0, BUTTON))

    assert opened(course, member) == {"Kiln": True}


# Sections


def test_a_sequential_section_locks_its_lessons_until_the_one_before(course, member):
    first = CourseSection.objects.create(course=course, title="One", display_order=1)
    second = CourseSection.objects.create(
        course=course, title="Two", display_order=2, unlock_type=SEQUENTIAL
    )
    one = lessons(course, ("Clay", IMMEDIATE, 0, BUTTON), section=first)
    lessons(
        course,
        ("Wheel", IMMEDIATE, 0, BUTTON),
        ("Trim", IMMEDIATE, 0, BUTTON),
        section=second,
    )

    assert opened(course, member) == {"Clay": True, "Wheel": False, "Trim": False}

    complete(member, one["Clay"])
    assert opened(course, member) == {"Clay": True, "Wheel": True, "Trim": True}


def test_a_timed_section_opens_all_its_lessons_at_its_instant(course, member):
    section = CourseSection.objects.create(
        course=course, title="Week two", unlock_type=TIMED, unlock_after_days=7
    )
    made = lessons(
        course,
        ("Wheel", IMMEDIATE, 0, BUTTON),
        ("Trim", TIMED, 8, BUTTON),
        section=section,
    )
    week = APPROVED_ON + dt.timedelta(days=7)
    before, at = week - dt.timedelta(seconds=1), week

    assert opened(course, member, before) == {"Wheel": False, "Trim": False}
    assert progress.lesson_state(course, member, made["Wheel"], before).unlocks_on == (
        week
    )
    assert progress.lesson_state(course, member, made["Trim"], before).unlocks_on == (
        APPROVED_ON + dt.timedelta(days=8)
    )
    assert opened(course, member, at) == {"Wheel": True, "Trim": False}


def test_lessons_of_an_inactive_section_are_not_shown(course, member):
    section = CourseSection.objects.create(course=course, title="Old", active=False)
    lessons(course, ("Wheel", IMMEDIATE, 0, BUTTON), section=section)
    lessons(course, ("Clay", IMMEDIATE, 0, BUTTON))

    assert opened(course, member) == {"Clay": True}


def test_lessons_follow_the_one_lesson_order(course, member):
    late = CourseSection.objects.create(course=course, title="Late", display_order=9)
    early = CourseSection.objects.create(course=course, title="Early", display_order=1)
    lessons(course, ("Unsectioned", IMMEDIATE, 0, BUTTON))
    lessons(course, ("Late lesson", IMMEDIATE, 0, BUTTON), section=late)
    lessons(course, ("Early lesson", IMMEDIATE, 0, BUTTON), section=early)

    assert list(opened(course, member)) == [
        "Early lesson",
        "Late lesson",
        "Unsectioned",
    ]


# A completed lesson stays open


@pytest.mark.parametrize("rule", ["sequential", "timed", "section"])
def test_a_completed_lesson_stays_open_whatever_its_rule_becomes(course, member, rule):
    made = lessons(
        course, ("Clay", IMMEDIATE, 0, BUTTON), ("Kiln", IMMEDIATE, 0, BUTTON)
    )
    kiln = made["Kiln"]
    complete(member, kiln)
    if rule == "sequential":
        kiln.unlock_type = SEQUENTIAL
    elif rule == "timed":
        kiln.unlock_type, kiln.unlock_after_days = TIMED, 365
    else:
        kiln.section = CourseSection.objects.create(
            course=course, title="Later", unlock_type=TIMED, unlock_after_days=365
        )
    kiln.save()

    assert opened(course, member)["Kiln"] is True


def test_a_completed_lesson_closes_when_the_member_is_blocked(course, member):
    made = lessons(course, ("Clay", IMMEDIATE, 0, BUTTON))
    complete(member, made["Clay"])
    member.blocked = True
    member.save()

    assert opened(course, member) == {"Clay": False}


# Progress


def figures(member):
    """(completed, trackable, percent) by every way progress is computed."""
    direct = progress.progress(member)
    states = progress.progress_of(progress.lesson_states(member.course, member))
    many = progress.progress_by_member([member])[member.pk]
    assert direct == states == many
    return direct.completed, direct.trackable, direct.percent


def test_progress_counts_completed_trackable_lessons(course, member):
    made = lessons(
        course,
        ("Clay", IMMEDIATE, 0, BUTTON),
        ("Wheel", IMMEDIATE, 0, VISITED),
        ("Video", IMMEDIATE, 0, VIDEO),
        ("Notes", IMMEDIATE, 0, NONE),
    )
    assert figures(member) == (0, 3, 0)

    complete(member, made["Clay"])
    assert figures(member) == (1, 3, 33)

    complete(member, made["Wheel"], made["Video"])
    assert figures(member) == (3, 3, 100)


def test_progress_stays_within_bounds_whatever_changes(course, member):
    made = lessons(
        course, ("Clay", IMMEDIATE, 0, BUTTON), ("Wheel", IMMEDIATE, 0, BUTTON)
    )
    complete(member, made["Clay"], made["Wheel"])
    assert figures(member) == (2, 2, 100)

    lessons(course, ("Added", IMMEDIATE, 0, BUTTON))
    assert figures(member) == (2, 3, 66)

    made["Clay"].active = False
    made["Clay"].save()
    assert figures(member) == (1, 2, 50)

    made["Wheel"].completion_type = NONE
    made["Wheel"].save()
    assert figures(member) == (0, 1, 0)

    section = CourseSection.objects.create(course=course, title="Off", active=False)
    CourseCompletedLesson.objects.filter(member=member).delete()
    for lesson in course.lessons.all():
        lesson.section = section
        lesson.save()
    assert figures(member) == (0, 0, 0)


def test_progress_of_a_deleted_completed_lesson_goes_with_it(course, member):
    made = lessons(
        course, ("Clay", IMMEDIATE, 0, BUTTON), ("Wheel", IMMEDIATE, 0, BUTTON)
    )
    complete(member, made["Clay"])
    made["Clay"].delete()

    assert figures(member) == (0, 1, 0)
