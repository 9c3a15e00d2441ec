"""Helpers the test suites share: named records and real tokens."""

import base64
import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.hashers import Argon2PasswordHasher

from roster.courses.models import (
    Course,
    CourseCompletedLesson,
    CourseLesson,
    CourseMember,
    CourseSection,
)
from roster.customers.models import Coworker, CoworkerType, Team

TOKEN = "/api/token"
SEARCH = "/api/content/coursemembers"
DENIED = "Authorization has been denied for this request."

# What the CourseMember search says when it refuses a paging or sort value.
PAGE_RULE = "must be a whole number from 1 to 9223372036854775807; the first page is 1."
SIZE_RULE = "must be a whole number from 1 to 5000; the number of records per page."
SORTABLE = (
    "CourseId, CourseTitle, CoworkerId, CoworkerCoworkerType, CoworkerFullName, "
    "CoworkerCompanyName, CoworkerBillingName, LastCompletedLessonId, "
    "LastCompletedLessonTitle, LastAccess, Approved, Blocked, Id, UpdatedOn, "
    "CreatedOn, UniqueId, UpdatedBy, SystemId"
)


def search_queries():
    """The queries of a CourseMember search: throttle, token, count, page,
    and team names where the records are rendered in Python (SQLite keeps
    them written, see roster.api.kept_records)."""
    from django.db import connection

    return 4 if connection.vendor == "sqlite" else 5


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost, so that hundreds of logins stay quick.

    Production keeps Django's costs; the tests exercise the same algorithm
    and the same code paths.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1


def utc(text):
    """A UTC moment written as `YYYY-MM-DDTHH:MM[:SS[.ffffff]]`."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def make_course(business, title, **fields):
    return Course.objects.create(business=business, title=title, **fields)


def make_lesson(course, title, **fields):
    return CourseLesson.objects.create(course=course, title=title, **fields)


def make_customer(business, full_name, *, teams=(), **fields):
    """A customer invoiced by `business`, member of the given teams."""
    fields.setdefault("email", full_name.split()[0].lower() + "@example.com")
    fields.setdefault("coworker_type", CoworkerType.INDIVIDUAL)
    customer = Coworker.objects.create(
        invoicing_business=business, full_name=full_name, **fields
    )
    for team in teams:
        team.members.add(customer)
    return customer


def make_team(business, name):
    return Team.objects.create(business=business, name=name)


def enrol(course, customer, **fields):
    """Enrol a customer; the member belongs to the course's business."""
    return CourseMember.objects.create(
        course=course, coworker=customer, business=course.business, **fields
    )


def full_names(response):
    """The customers' full names in a search answer's records, in order."""
    assert response.status_code == 200, response.content
    return [record["CoworkerFullName"] for record in response.json()["Records"]]


def invalid(*errors):
    """The 400 body that refuses a request for each (name, value, message)."""
    return {
        "Status": 400,
        "Message": " ".join(
            f"{name}: {message}" if name else message
            for name, _value, message in errors
        ),
        "Value": None,
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": None,
        "JavaScript": None,
        "UpdatedOn": None,
        "UpdatedBy": None,
        "Errors": [
            {"AttemptedValue": value, "Message": message, "PropertyName": name}
            for name, value, message in errors
        ],
        "WasSuccessful": False,
    }


def make_site(business, word):
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


def basic(email, password, encoding="utf-8"):
    """The HTTP Basic `Authorization` value for email:password."""
    pair = f"{email}:{password}".encode(encoding)
    return "Basic " + base64.b64encode(pair).decode("ascii")


def envelope(records, page, size, first, last, next_, previous, total, pages):
    """A search answer sorted by Id, with `records` as full_names gives them."""
    return {
        "Records": records,
        "CurrentPageSize": size,
        "CurrentPage": page,
        "CurrentOrderField": "Id",
        "CurrentSortDirection": 1,
        "FirstItem": first,
        "HasNextPage": next_,
        "HasPreviousPage": previous,
        "LastItem": last,
        "PageNumber": page,
        "PageSize": size,
        "TotalItems": total,
        "TotalPages": pages,
    }
