"""The Admin Panel in headless Chromium, against the live server."""

import csv
import io

import pytest
from playwright.sync_api import expect

from roster.accounts.roles import ACTIONS, role
from roster.accounts.services import save_administrator
from roster.conftest import PASSWORD
from roster.core.models import Change
from roster.testing import enrol
from roster.testing.browser import screenshot

MEMBERS = "/admin/courses/coursemember/"
ROLES = [
    role(entity, action)
    for entity in ("CourseMember", "Course", "CourseLesson", "Coworker")
    for action in ACTIONS
]


def sign_in(page, email):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture
def waiting(world):
    """North's spare customer, enrolled and waiting for approval."""
    return enrol(world.north.course, world.north.spare)


@pytest.fixture
def north_admin(world):
    return save_administrator(
        "north.admin@example.com",
        PASSWORD,
        roles=ROLES,
        businesses=[world.north.business],
    )


def test_an_administrator_signs_in_and_approves_a_waiting_enrolment(
    page, waiting, north_admin
):
    page.goto("/admin/login/")
    screenshot(page, "admin-login")
    sign_in(page, north_admin.email)
    screenshot(page, "admin-index")

    page.goto(f"{MEMBERS}?status=waiting")
    screenshot(page, "admin-waiting-queue")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")

    expect(page.locator(".messagelist")).to_contain_text("1 enrolments approved.")
    waiting.refresh_from_db()
    assert waiting.approved is True
    change = Change.objects.get()
    assert (change.actor, change.record_id) == (north_admin.email, waiting.pk)

    page.goto(f"{MEMBERS}{waiting.pk}/history/")
    assert north_admin.email in page.locator("#change-history").inner_text()
    screenshot(page, "admin-member-history")


def test_an_administrator_sees_only_its_business_and_exports_the_filtered_rows(
    page, world, waiting, north_admin
):
    sign_in(page, north_admin.email)

    page.goto(MEMBERS)
    screenshot(page, "admin-course-members")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    assert "South" not in page.locator("#content").inner_text()

    page.click("#changelist-filter a:text('Waiting for approval')")
    page.wait_for_url("**status=waiting")
    expect(rows).to_have_count(1)
    with page.expect_download() as download:
        page.click("a.export-csv")
    text = download.value.path().read_bytes().decode("utf-8")

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert [row[:4] for row in rows] == [
        ["Id", "Course", "Customer", "Email"],
        [str(waiting.pk), "North Course", "North Spare", "north.spare@example.com"],
    ]
    assert download.value.suggested_filename.startswith("course-members-")

    page.goto(f"{MEMBERS}{world.south.member.pk}/change/")
    assert "South" not in page.content()


def test_the_course_page_and_the_history_list(page, world, waiting):
    save_administrator("root@example.com", PASSWORD, full=True)
    sign_in(page, "root@example.com")

    page.goto(f"/admin/courses/course/{world.north.course.pk}/change/")
    expect(page.locator(".count-waiting")).to_have_text("1")
    assert page.locator(".count-approved").inner_text() == "1"
    lessons = page.locator("#course-lessons tbody tr .completed")
    assert lessons.all_inner_texts() == ["1", "0"]
    screenshot(page, "admin-course-page")

    page.goto("/admin/courses/courselesson/")
    screenshot(page, "admin-lessons")
    page.goto("/admin/core/change/")
    screenshot(page, "admin-history-list")
    page.goto("/admin/accounts/user/add/")
    screenshot(page, "admin-new-administrator")
