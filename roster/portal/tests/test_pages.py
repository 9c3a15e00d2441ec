"""The catalogue, course and lesson pages, as a signed-in customer sees them."""

import datetime as dt

import pytest

from roster.courses import progress, services
from roster.courses.models import (
    CourseCompletedLesson,
    CourseMember,
    CourseSection,
    UnlockType,
)
from roster.testing import enrol, make_lesson


def text(response):
    return response.content.decode()


def course_page(client, course):
    return client.get(f"/portal/courses/{course.pk}/")


def lesson_page(client, lesson):
    return client.get(f"/portal/courses/{lesson.course_id}/lessons/{lesson.unique_id}/")


def complete(client, lesson):
    path = f"/portal/courses/{lesson.course_id}/lessons/{lesson.unique_id}/complete/"
    return client.post(path)


# The catalogue


def test_the_catalogue_lists_public_courses_and_the_customers_own(campus, ana):
    enrol(campus.private, campus.ana)

    html = text(ana.get("/portal/"))

    assert "Python Basics" in html and "Private Pottery" in html
    for absent in ["Secret Garden", "Paid Masterclass", "Closed Course"]:
        assert absent not in html
    assert "Sourdough Starter" not in html


@pytest.mark.parametrize(
    "name, reachable",
    [
        ("python", True),
        ("secret", True),
        ("private", True),
        ("closed", False),
        ("elsewhere", False),
    ],
)
def test_course_pages_open_by_link_within_the_business(campus, ana, name, reachable):
    response = course_page(ana, getattr(campus, name))

    assert response.status_code == (200 if reachable else 404)


def test_private_course_outlines_are_for_members_only(campus, ana):
    before = text(course_page(ana, campus.private))
    enrol(campus.private, campus.ana)
    after = text(course_page(ana, campus.private))

    assert "Ask for a place" in before and "Intro" not in before
    assert "Waiting for approval" in after and "Intro" in after


def test_a_closed_course_stays_visible_to_its_members(campus, ana):
    enrol(campus.closed, campus.ana, approved=True)

    response = course_page(ana, campus.closed)

    assert response.status_code == 200
    assert "This course is closed for now." in text(response)


# Signing up to a course


@pytest.mark.parametrize(
    "name, approved",
    [("python", True), ("secret", True), ("private", False), ("paid", False)],
)
def test_sign_up_approves_by_visibility(campus, ana, name, approved):
    course = getattr(campus, name)

    response = ana.post(f"/portal/courses/{course.pk}/signup/")

    assert response.status_code == 302
    member = CourseMember.objects.get(course=course, coworker=campus.ana)
    assert member.approved is approved
    assert (member.approved_on == member.created_on) is approved
    assert member.updated_by == "ana@example.com"


def test_signing_up_twice_does_nothing_new(campus, ana):
    ana.post(f"/portal/courses/{campus.python.pk}/signup/")
    member = CourseMember.objects.get()

    ana.post(f"/portal/courses/{campus.python.pk}/signup/")

    assert list(CourseMember.objects.all()) == [member]
    again = CourseMember.objects.get()
    assert (again.approved_on, again.updated_on) == (
        member.approved_on,
        member.updated_on,
    )


def test_sign_up_keeps_a_blocked_member_blocked(campus, ana):
    enrol(campus.python, campus.ana, approved=True, blocked=True)

    ana.post(f"/portal/courses/{campus.python.pk}/signup/")

    assert CourseMember.objects.get().blocked is True


def test_a_course_page_shows_status_progress_and_lessons_in_order(campus, ana):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    services.complete_open_lesson(member, campus.variables, "ana@example.com")

    html = text(course_page(ana, campus.python))

    assert "Your status: <strong>Approved</strong>" in html
    assert 'value="33"' in html and "33% · 1 of 3 lessons" in html
    assert html.index("Variables") < html.index("Loops") < html.index("Quiz")


# Lessons


def test_a_lesson_opens_with_its_contents_and_notes_the_access(campus, ana):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")

    response = lesson_page(ana, campus.quiz)

    assert response.status_code == 200
    assert "<p>Quiz time.</p>" in text(response)
    member.refresh_from_db()
    assert member.last_access is not None


def test_opening_a_visited_lesson_completes_it(campus, ana):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")

    lesson_page(ana, campus.quiz)

    member.refresh_from_db()
    assert member.last_completed_lesson == campus.quiz
    assert "You have completed this lesson." in text(lesson_page(ana, campus.quiz))


def test_a_button_lesson_completes_with_its_button(campus, ana):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    page = text(lesson_page(ana, campus.variables))

    response = complete(ana, campus.variables)

    assert "Mark as complete" in page
    assert response.status_code == 302
    assert response["Location"].endswith(f"/lessons/{campus.loops.unique_id}/")
    member.refresh_from_db()
    assert member.last_completed_lesson == campus.variables
    assert CourseCompletedLesson.objects.filter(member=member).count() == 1


def test_a_sequential_lesson_is_locked_until_the_previous_one_is_done(campus, ana):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")

    locked = lesson_page(ana, campus.loops)
    refused = complete(ana, campus.loops)

    assert locked.status_code == 403
    assert "Locked until “Variables” is completed" in text(locked)
    assert "<p>" not in text(locked).split("This lesson is locked")[0][-50:]
    assert refused.status_code == 302
    assert not CourseCompletedLesson.objects.filter(member=member).exists()

    complete(ana, campus.variables)
    assert lesson_page(ana, campus.loops).status_code == 200


@pytest.mark.parametrize("state", ["waiting", "blocked", "not enrolled"])
def test_only_approved_unblocked_members_open_lessons(campus, ana, state):
    if state != "not enrolled":
        enrol(
            campus.python,
            campus.ana,
            approved=state == "blocked",
            blocked=state == "blocked",
        )

    response = lesson_page(ana, campus.variables)
    complete(ana, campus.variables)

    assert response.status_code == 403
    assert not CourseCompletedLesson.objects.exists()


def test_a_video_lesson_embeds_its_video(campus, ana):
    campus.variables.completion_type = 4
    campus.variables.lesson_contents = (
        '<p>Watch <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=3">'
        "this</a>.</p>"
    )
    campus.variables.save()
    services.sign_up(campus.python, campus.ana, "ana@example.com")

    html = text(lesson_page(ana, campus.variables))

    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "I have watched the video" in html


def test_a_lesson_of_another_course_is_not_found(campus, ana):
    services.sign_up(campus.python, campus.ana, "ana@example.com")

    response = ana.get(
        f"/portal/courses/{campus.python.pk}/lessons/{campus.clue.unique_id}/"
    )

    assert response.status_code == 404


def test_a_timed_lesson_shows_the_instant_it_opens(campus, ana):
    campus.quiz.unlock_type, campus.quiz.unlock_after_days = UnlockType.TIMED, 2
    campus.quiz.save()
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    opens = member.approved_on.replace(microsecond=0) + dt.timedelta(days=2)

    html = text(course_page(ana, campus.python))

    assert f'<time datetime="{opens.isoformat()}">' in html
    assert f">{opens:%-d %b %Y, %H:%M:%S} UTC</time>" in html


def test_what_is_shown_locked_is_exactly_what_is_refused(campus, ana):
    section = CourseSection.objects.create(
        course=campus.python, title="Later", unlock_type=UnlockType.TIMED
    )
    section.unlock_after_days = 1
    section.save()
    extra = make_lesson(campus.python, "Extra", section=section)
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    shown = {
        state.lesson.pk: state.open
        for state in progress.lesson_states(campus.python, member)
    }

    for lesson in campus.python.lessons.all():
        page = lesson_page(ana, lesson)
        assert (page.status_code == 200) is shown[lesson.pk], lesson.title
    assert shown == {
        extra.pk: False,
        campus.variables.pk: True,
        campus.loops.pk: False,
        campus.quiz.pk: True,
    }
