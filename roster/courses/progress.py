"""What a member may open in a course, and how far it has come.

This one module decides which lessons are open, so the portal pages, the
portal API and the services that refuse opens and completions always
agree: what is shown locked is exactly what is refused. Everything is
computed when read, in UTC, from the records as they are now.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from roster.courses.models import (
    CompletionType,
    CourseCompletedLesson,
    CourseLesson,
    CourseMember,
    UnlockType,
)


class Status:
    """Where a customer stands with a course."""

    NOT_ENROLLED = "NotEnrolled"
    WAITING = "WaitingForApproval"
    APPROVED = "Approved"
    BLOCKED = "Blocked"

    LABELS = {
        NOT_ENROLLED: "Not enrolled",
        WAITING: "Waiting for approval",
        APPROVED: "Approved",
        BLOCKED: "Blocked",
    }


def status(member):
    """The status of an enrolment, or NotEnrolled for None."""
    if member is None:
        return Status.NOT_ENROLLED
    if member.blocked:
        return Status.BLOCKED
    return Status.APPROVED if member.approved else Status.WAITING


def can_see_content(course, member):
    """Lesson content is seen only while approved, not blocked, course active."""
    return (
        member is not None
        and member.approved
        and not member.blocked
        and course.active
        and member.course_id == course.pk
    )


@dataclass(frozen=True)
class Progress:
    """Completed trackable lessons over trackable lessons."""

    completed: int
    trackable: int

    @property
    def percent(self):
        """Whole percent, rounded down, between 0 and 100."""
        if not self.trackable:
            return 0
        return min(100, self.completed * 100 // self.trackable)


@dataclass(frozen=True)
class LessonState:
    """A lesson as one member sees it now.

    `unlocks_on` is the instant a Timed rule (the lesson's or its
    section's) opens it, when that is still to come; `waits_for` is the
    earlier lesson a Sequential rule waits on, when not completed yet.
    """

    lesson: CourseLesson
    completed: bool
    open: bool
    unlocks_on: dt.datetime | None = None
    waits_for: CourseLesson | None = None

    @property
    def trackable(self):
        return self.lesson.completion_type != CompletionType.NONE


def shown_lessons(course):
    """The course's active lessons of active sections, in the lesson order."""
    return list(
        CourseLesson.objects.filter(course=course, active=True)
        .exclude(section__active=False)
        .select_related("section")
        .in_order()
    )


def completed_ids(member):
    """The ids of the lessons a member has completed."""
    if member is None:
        return set()
    return set(
        CourseCompletedLesson.objects.filter(member=member).values_list(
            "lesson_id", flat=True
        )
    )


def lesson_states(course, member, now=None):
    """Every shown lesson of the course with whether the member may open it.

    Rules are judged in the lesson order. Immediate is open; Sequential
    waits for the nearest earlier trackable lesson; Timed waits until
    UnlockAfterDays × 24 hours after the first approval. A section's rule
    is judged the same way at its first lesson and locks all of its
    lessons. A completed lesson stays open whatever its rule.
    """
    now = now or timezone.now()
    done = completed_ids(member)
    access = can_see_content(course, member)
    approved_on = member.approved_on if member is not None else None

    states = []
    previous = None  # the nearest earlier trackable lesson
    section_id, section_gate = object(), (True, None, None)
    for lesson in shown_lessons(course):
        if lesson.section_id != section_id:
            section_id = lesson.section_id
            section_gate = (
                _rule(lesson.section, previous, done, approved_on, now)
                if lesson.section is not None
                else (True, None, None)
            )
        own_gate = _rule(lesson, previous, done, approved_on, now)
        completed = lesson.pk in done
        states.append(_state(lesson, completed, access, section_gate, own_gate))
        if lesson.completion_type != CompletionType.NONE:
            previous = lesson
    return states


def _rule(rule, previous, done, approved_on, now):
    """(open, unlocks_on, waits_for) of one unlock rule, lesson or section."""
    if rule.unlock_type == UnlockType.SEQUENTIAL:
        if previous is None or previous.pk in done:
            return True, None, None
        return False, None, previous
    if rule.unlock_type == UnlockType.TIMED:
        if approved_on is None:
            return False, None, None
        # Whole seconds, so that the instant shown is the instant it opens.
        start = approved_on.replace(microsecond=0)
        try:
            moment = start + dt.timedelta(hours=24 * rule.unlock_after_days)
        except OverflowError:
            # A delay past the year 9999 never ends.
            return False, None, None
        return (now >= moment), (moment if now < moment else None), None
    return True, None, None


def _state(lesson, completed, access, section_gate, own_gate):
    gates_open = section_gate[0] and own_gate[0]
    moments = [gate[1] for gate in (section_gate, own_gate) if gate[1] is not None]
    waits = section_gate[2] or own_gate[2]
    return LessonState(
        lesson=lesson,
        completed=completed,
        open=access and (completed or gates_open),
        unlocks_on=None if completed else max(moments, default=None),
        waits_for=None if completed else waits,
    )


def lesson_state(course, member, lesson, now=None):
    """The state of one lesson, or None when the course does not show it."""
    for state in lesson_states(course, member, now):
        if state.lesson.pk == lesson.pk:
            return state
    return None


def progress_of(states):
    """Progress from the lesson states of one member."""
    trackable = [state for state in states if state.trackable]
    return Progress(sum(1 for s in trackable if s.completed), len(trackable))


def progress(member):
    """A member's progress, counted over the course's trackable lessons."""
    trackable = CourseLesson.objects.filter(course_id=member.course_id).trackable()
    completed = CourseCompletedLesson.objects.filter(
        member=member, lesson__in=trackable
    ).count()
    return Progress(completed, trackable.count())


def progress_by_member(members):
    """Progress of many members, in two queries; maps member id to Progress."""
    course_ids = {member.course_id for member in members}
    totals = dict(
        CourseLesson.objects.filter(course_id__in=course_ids)
        .trackable()
        .values("course_id")
        .annotate(n=Count("id"))
        .values_list("course_id", "n")
    )
    trackable = CourseLesson.objects.trackable().values("id")
    done = dict(
        CourseMember.objects.filter(pk__in=[m.pk for m in members])
        .annotate(
            n=Count(
                "completed_lessons",
                filter=Q(completed_lessons__lesson__in=trackable),
            )
        )
        .values_list("id", "n")
    )
    return {
        member.pk: Progress(done.get(member.pk, 0), totals.get(member.course_id, 0))
        for member in members
    }
