"""Two businesses, each with one record of every kind, for the battery."""

from types import SimpleNamespace

import pytest

from roster.courses.models import CourseCompletedLesson, CourseSection
from roster.testing import enrol, make_course, make_customer, make_lesson, make_team


def _site(business, word):
    """One record of each kind in `business`, named after `word`."""
    site = SimpleNamespace(business=business)
    site.team = make_team(business, f"{word} Team")
    site.coworker = make_customer(
        business, f"{word} Member", email=f"{word.lower()}@example.com"
    )
    site.team.members.add(site.coworker)
    site.spare = make_customer(
        business, f"{word} Spare", email=f"{word.lower()}.spare@example.com"
    )
    site.course = make_course(business, f"{word} Course")
    site.section = CourseSection.objects.create(course=site.course, title="Part 1")
    site.lesson = make_lesson(site.course, "First lesson", section=site.section)
    site.second_lesson = make_lesson(site.course, "Second lesson", section=site.section)
    site.member = enrol(site.course, site.coworker, approved=True)
    site.completion = CourseCompletedLesson.objects.create(
        member=site.member, lesson=site.lesson, business=business
    )
    return site


@pytest.fixture
def world(north, south):
    """North Hub and South Hub, each with a record of every kind."""
    return SimpleNamespace(north=_site(north, "North"), south=_site(south, "South"))
