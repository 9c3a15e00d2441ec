"""What a customer may see of its business's courses.

Public courses are listed; Hidden ones open by link; Private and Paid ones
open by link to ask for a place, and show their lessons only to members.
Courses of other businesses, and inactive courses the customer is not
enrolled in, do not exist for the customer.
"""

from django.db.models import Q

from roster.courses.models import Course, CourseLesson, CourseMember, Visibility

# Visibilities whose lesson outline only members see.
MEMBERS_ONLY = {Visibility.PRIVATE, Visibility.PAID}


def customer_of(user):
    """The active customer behind a login, or None for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    coworker = user.coworker if user.coworker_id else None
    if coworker is None or not coworker.active:
        return None
    return coworker


def _reachable(coworker):
    enrolled = CourseMember.objects.filter(coworker=coworker).values("course_id")
    return Course.objects.filter(business_id=coworker.invoicing_business_id).filter(
        Q(active=True) | Q(pk__in=enrolled)
    )


def find_course(coworker, pk):
    """The course with this id if the customer may reach it, else None."""
    return _reachable(coworker).filter(pk=pk).first()


def listed_courses(coworker):
    """The courses of the catalogue: active Public ones and the customer's."""
    enrolled = CourseMember.objects.filter(coworker=coworker).values("course_id")
    return list(
        _reachable(coworker)
        .filter(Q(visibility=Visibility.PUBLIC, active=True) | Q(pk__in=enrolled))
        .order_by("display_order", "title", "id")
    )


def members_by_course(coworker):
    """The customer's enrolments, keyed by course id."""
    return {m.course_id: m for m in CourseMember.objects.filter(coworker=coworker)}


def member_of(course, coworker):
    return CourseMember.objects.filter(course=course, coworker=coworker).first()


def shows_outline(course, member):
    """Whether the customer may see the titles of the course's lessons."""
    return member is not None or course.visibility not in MEMBERS_ONLY


def find_lesson(course, unique_id):
    """The course's lesson with this UniqueId, or None."""
    return CourseLesson.objects.filter(course=course, unique_id=unique_id).first()
