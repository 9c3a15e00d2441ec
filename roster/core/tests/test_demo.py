"""The demo data set is realistic and internally consistent."""

import pytest
from django.core.management import call_command
from django.core.validators import validate_email
from django.db.models import Count, F

from roster.api.resources import REGISTRY
from roster.businesses.models import Business
from roster.conftest import Api
from roster.core import demo
from roster.courses.models import Course, CourseCompletedLesson, CourseMember
from roster.customers.models import Coworker, CoworkerType


@pytest.fixture
def small_demo(db):
    return demo.load(courses=9, customers=300, enrolments=400, progress=False)


def test_load_reports_what_it_made(small_demo):
    assert small_demo == {
        "businesses": 3,
        "courses": 9,
        "customers": 300,
        "enrolments": 400,
    }
    assert CourseMember.objects.count() == 400


def test_members_belong_to_their_course_business(small_demo):
    mismatched = CourseMember.objects.exclude(business=F("course__business"))
    assert mismatched.count() == 0
    foreign = CourseMember.objects.exclude(
        coworker__invoicing_business=F("course__business")
    )
    assert foreign.count() == 0


def test_progress_is_consistent(small_demo):
    for member in CourseMember.objects.prefetch_related("completed_lessons"):
        completed = sorted(member.completed_lessons.all(), key=lambda c: c.created_on)
        if not completed:
            assert member.last_completed_lesson_id is None
            continue
        assert member.approved
        assert member.last_completed_lesson_id == completed[-1].lesson_id
        assert member.last_access >= completed[-1].created_on


def test_data_has_the_spread_a_demo_needs(small_demo):
    members = CourseMember.objects
    assert members.filter(approved=True).exists()
    assert members.filter(approved=False).exists()
    assert members.filter(blocked=True).exists()
    assert members.filter(last_access__isnull=True).exists()
    assert CourseCompletedLesson.objects.exists()
    assert Coworker.objects.filter(coworker_type=CoworkerType.COMPANY).exists()
    assert Coworker.objects.exclude(full_name__regex=r"^[ -~]+$").exists()
    assert Coworker.objects.filter(teams__isnull=False).exists()
    per_business = Business.objects.annotate(n=Count("courses")).values_list("n")
    assert sorted(per_business) == [(3,), (3,), (3,)]


def test_records_keep_the_rules_the_api_writes_by(small_demo):
    for email in Coworker.objects.values_list("email", flat=True):
        validate_email(email)
    hosts = Course.objects.exclude(host=None)
    assert hosts.exists()
    assert not hosts.exclude(host__invoicing_business=F("business")).exists()


@pytest.mark.parametrize("resource", REGISTRY.values(), ids=lambda r: r.name)
def test_records_can_be_written_back_as_read(small_demo, admin, resource):
    """A PUT of a record as a get reads it succeeds, as the contract says."""
    path = "/api/" + resource.path
    found = admin.get(path, {"size": 20}).json()["Records"]
    assert found

    for listed in found:
        record = admin.get(f"{path}/{listed['Id']}").json()
        response = admin.client.put(
            path, record, content_type="application/json", headers=admin.headers
        )
        assert response.status_code == 200, (record, response.content)


def test_search_columns_are_filled(small_demo):
    coworker = Coworker.objects.exclude(full_name__regex=r"^[ -~]+$").first()
    assert coworker.full_name_search == coworker.full_name.casefold()


def test_demo_command_loads_once_and_keeps_the_admin(db, capsys):
    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")

    output = capsys.readouterr().out
    assert output.count("Demo data already loaded.") == 1
    demo_member = CourseMember.objects.filter(coworker__email=demo.MEMBER_EMAIL)
    assert CourseMember.objects.exclude(pk__in=demo_member).count() == 15000
    assert "curl -s -X POST http://127.0.0.1:8000/api/token" in output
    response = Api("admin@example.com", "roster-demo").get(
        "/api/content/coursemembers", {"size": 1}
    )
    assert response.json()["TotalItems"] == 15000 + demo_member.count()


def test_demo_command_prints_both_faces_and_the_member_login(db, capsys):
    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")

    output = capsys.readouterr().out
    assert "Admin Panel:    http://127.0.0.1:8000/admin/" in output
    assert "Members Portal: http://127.0.0.1:8000/portal/" in output
    assert "member@example.com / roster-demo" in output
    members = CourseMember.objects.filter(coworker__email=demo.MEMBER_EMAIL)
    assert sorted((m.course.visibility, m.approved) for m in members) == [
        (1, True),
        (1, True),
        (3, False),
    ]
    assert any(m.last_completed_lesson_id for m in members)
    response = Api(demo.MEMBER_EMAIL, demo.MEMBER_PASSWORD).get("/api/public/courses")
    assert response.status_code == 200
    assert {course["Status"] for course in response.json()} >= {
        "Approved",
        "WaitingForApproval",
    }
