"""Every change to courses, enrolments and progress, one transaction each.

The API, the portal, the admin panel and the command line all write
through these functions, which keep the course rules and the history.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from roster.core.errors import RuleBroken
from roster.core.services import delete_record, plain, record_change, save_record
from roster.courses import progress
from roster.courses.models import (
    CompletionType,
    Course,
    CourseCompletedLesson,
    CourseLesson,
    CourseMember,
    CourseSection,
    Visibility,
)

logger = logging.getLogger(__name__)


# Courses and sections


def delete_course(course, actor):
    """Delete a course that holds no lessons and no members."""
    if course.lessons.exists() or course.members.exists():
        message = "The course still holds lessons or members; delete them first."
        raise RuleBroken("Id", course.pk, message)
    with transaction.atomic():
        CourseSection.objects.filter(course=course).delete()
        delete_record(course, actor)


def delete_section(section, actor):
    """Delete a section that holds no lessons."""
    if section.lessons.exists():
        message = "The section still holds lessons; move or delete them first."
        raise RuleBroken("Id", section.pk, message)
    delete_record(section, actor)


def save_section(section, values, actor):
    """Create or update a section; its course never changes business."""
    return save_record(section, values, actor)


# Lessons


def save_lesson(lesson, values, actor):
    """Create or update a lesson; its section must be of the same course."""
    section_id = values.get("section_id", lesson.section_id)
    course_id = values.get("course_id", lesson.course_id)
    if (
        section_id is not None
        and not CourseSection.objects.filter(
            pk=section_id, course_id=course_id
        ).exists()
    ):
        message = "SectionId must be the id of a section of the lesson's course."
        raise RuleBroken("SectionId", section_id, message)
    return save_record(lesson, values, actor)


@transaction.atomic
def delete_lesson(lesson, actor):
    """Delete a lesson and its completions.

    Members whose last completed lesson it was move to their latest
    remaining completion, or to none.
    """
    affected = list(
        CourseMember.objects.select_for_update().filter(last_completed_lesson=lesson)
    )
    delete_record(lesson, actor)
    for member in affected:
        _point_at_latest_completion(member, actor)


# Enrolments


def enrol(values, actor):
    """Enrol a customer in a course, at most once.

    `values` holds course_id, coworker_id and optionally approved, blocked
    and system_id. The member belongs to the course's business.
    """
    for attempt in range(ENROL_ATTEMPTS):
        try:
            return _insert_member(values, actor)
        except IntegrityError:
            if CourseMember.objects.filter(
                course_id=values["course_id"], coworker_id=values["coworker_id"]
            ).exists():
                message = "CoworkerId is already enrolled in this course."
                raise RuleBroken("CoworkerId", values["coworker_id"], message) from None
            # The enrolment the insert met was deleted since: enrol again.
            if attempt == ENROL_ATTEMPTS - 1:
                raise


ENROL_ATTEMPTS = 3


def _insert_member(values, actor):
    course = Course.objects.get(pk=values["course_id"])
    member = CourseMember(business_id=course.business_id)
    with transaction.atomic():
        save_record(member, values, actor)
        if member.approved:
            # Approved from the start: Timed lessons count from the very
            # moment the enrolment was created.
            member.approved_on = member.created_on
            member.save(update_fields=["approved_on"])
        return member


# Visibilities whose sign-ups are approved at once; the others wait for an
# administrator.
OPEN_VISIBILITIES = {Visibility.PUBLIC, Visibility.HIDDEN}


def sign_up(course, coworker, actor):
    """A customer's own sign-up to a course of its business.

    Public and Hidden courses approve it at once, so Timed lessons count
    from the sign-up; Private and Paid ones leave it waiting for an
    administrator. Signing up again returns the enrolment unchanged.
    """
    existing = CourseMember.objects.filter(course=course, coworker=coworker).first()
    if existing is not None:
        return existing
    if not course.active or course.business_id != coworker.invoicing_business_id:
        message = "CourseId must be the id of an active course of your business."
        raise RuleBroken("CourseId", course.pk, message)
    values = {
        "course_id": course.pk,
        "coworker_id": coworker.pk,
        "approved": course.visibility in OPEN_VISIBILITIES,
    }
    try:
        member = enrol(values, actor)
    except RuleBroken:
        # A second sign-up raced this one and won; the result is the same.
        return CourseMember.objects.get(course=course, coworker=coworker)
    logger.info(
        "Coworker %s signed up to course %s (approved: %s)",
        coworker.pk,
        course.pk,
        member.approved,
    )
    return member


def update_member(member, values, actor):
    """Change an enrolment's approval, block or SystemId.

    The first approval is remembered: Timed lessons count from it.
    """
    if values.get("approved") and member.approved_on is None:
        member.approved_on = timezone.now()
    return save_record(member, values, actor)


def _set_flags(flags):
    """A command that sets flags on many members in one transaction."""

    @transaction.atomic
    def run(members, actor):
        for member in members:
            changed = {k: v for k, v in flags.items() if getattr(member, k) != v}
            if changed:
                update_member(member, changed, actor)
        logger.info("Set %s on %s members by %s", flags, len(members), actor)

    return run


approve_members = _set_flags({"approved": True})
unapprove_members = _set_flags({"approved": False})
block_members = _set_flags({"blocked": True})
unblock_members = _set_flags({"blocked": False})


def delete_member(member, actor):
    """Delete an enrolment with its completed lessons."""
    delete_record(member, actor)


# Progress


@transaction.atomic
def complete_lesson(values, actor):
    """Record that a member completed a lesson of its course, once.

    The member's LastCompletedLessonId becomes the lesson and LastAccess
    the moment of completion.
    """
    member = CourseMember.objects.select_for_update().get(pk=values["member_id"])
    lesson = CourseLesson.objects.get(pk=values["lesson_id"])
    if lesson.course_id != member.course_id:
        message = "CourseLessonId must be the id of a lesson of the member's course."
        raise RuleBroken("CourseLessonId", lesson.pk, message)
    completion = CourseCompletedLesson(business_id=member.business_id)
    try:
        with transaction.atomic():
            save_record(completion, values, actor)
    except IntegrityError:
        message = "CourseLessonId is already completed by this member."
        raise RuleBroken("CourseLessonId", lesson.pk, message) from None
    update_progress(member, lesson, completion.created_on, actor)
    return completion


@transaction.atomic
def note_access(member, actor):
    """Note that a member opened course content now (its LastAccess)."""
    member = CourseMember.objects.select_for_update().get(pk=member.pk)
    _set_progress(member, actor, last_access=timezone.now())
    return member


LOCKED = "The lesson is locked for you now."


@transaction.atomic
def open_lesson(member, lesson, actor):
    """A member opens a lesson: refuse a locked one, note the access.

    Opening a Visited lesson completes it. Return the lesson's state as
    the member sees it afterwards.
    """
    member = CourseMember.objects.select_for_update().get(pk=member.pk)
    state = progress.lesson_state(member.course, member, lesson)
    if state is None or not state.open:
        raise RuleBroken("CourseLessonId", lesson.pk, LOCKED)
    note_access(member, actor)
    if lesson.completion_type == CompletionType.VISITED and not state.completed:
        complete_lesson({"member_id": member.pk, "lesson_id": lesson.pk}, actor)
    return progress.lesson_state(member.course, member, lesson)


@transaction.atomic
def complete_open_lesson(member, lesson, actor):
    """A member completes a lesson it may open; once is enough.

    A locked lesson, or one not tracked (CompletionType None), is refused.
    """
    member = CourseMember.objects.select_for_update().get(pk=member.pk)
    state = progress.lesson_state(member.course, member, lesson)
    if state is None or not state.open:
        raise RuleBroken("CourseLessonId", lesson.pk, LOCKED)
    if not state.trackable:
        message = "The lesson is not tracked: there is nothing to complete."
        raise RuleBroken("CourseLessonId", lesson.pk, message)
    if not state.completed:
        complete_lesson({"member_id": member.pk, "lesson_id": lesson.pk}, actor)
    return progress.lesson_state(member.course, member, lesson)


def update_progress(member, lesson, moment, actor):
    """Point a member at its latest completion and note its last access."""
    _set_progress(member, actor, last_completed_lesson=lesson, last_access=moment)


def _set_progress(member, actor, **progress):
    """Write progress fields of a member, with UpdatedBy and its history."""
    changes = {}
    for name, value in progress.items():
        field = member._meta.get_field(name)
        before = getattr(member, field.attname)
        setattr(member, name, value)
        after = getattr(member, field.attname)
        if before != after:
            changes[field.attname] = [plain(before), plain(after)]
    member.updated_by = actor
    member.updated_on = timezone.now()
    member.save(update_fields=[*progress, "updated_by", "updated_on"])
    record_change(member, "update", actor, changes)


@transaction.atomic
def delete_completion(completion, actor):
    """Delete a completion; the member moves to its latest remaining one."""
    member = CourseMember.objects.select_for_update().get(pk=completion.member_id)
    delete_record(completion, actor)
    _point_at_latest_completion(member, actor)


def _point_at_latest_completion(member, actor):
    latest = (
        CourseCompletedLesson.objects.filter(member=member)
        .order_by("-created_on", "-id")
        .select_related("lesson")
        .first()
    )
    lesson = latest.lesson if latest else None
    _set_progress(member, actor, last_completed_lesson=lesson)
