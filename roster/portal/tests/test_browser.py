"""The main paths of the portal in headless Chromium, without JavaScript help.

Each test saves screenshots of the pages it passes through.
"""

import pytest

from roster.accounts.models import User
from roster.conftest import PASSWORD
from roster.testing.browser import screenshot

MEMBERS = "/api/content/coursemembers"


@pytest.fixture
def tab(page):
    page.set_default_timeout(10_000)
    return page


def sign_in(tab, email, password=PASSWORD):
    tab.goto("/portal/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_label("Password").press("Enter")
    tab.wait_for_url("**/portal/")


def member_record(admin, coworker):
    response = admin.get(MEMBERS, {"CourseMember_Coworker": coworker.pk})
    (record,) = response.json()["Records"]
    return record


def command(admin, key, record):
    response = admin.post(f"{MEMBERS}/runcommand", {"Key": key, "Ids": [record["Id"]]})
    assert response.status_code == 200, response.content


def approve_in_the_admin_panel(chromium, live_server, email):
    """Sign in to the Admin Panel in its own browser and approve the one
    enrolment waiting there."""
    context = chromium.new_context(base_url=live_server.url)
    panel = context.new_page()
    panel.set_default_timeout(10_000)
    panel.goto("/admin/login/?next=/admin/")
    panel.fill("#id_username", email)
    panel.fill("#id_password", PASSWORD)
    panel.click("input[type=submit]")
    panel.wait_for_url("**/admin/")
    panel.goto("/admin/courses/coursemember/?status=waiting")
    rows = panel.locator("#result_list tbody tr")
    assert rows.count() == 1
    rows.first.locator("input.action-select").check()
    panel.select_option("select[name=action]", "approve")
    panel.click("button[name=index]")
    assert "1 enrolments approved." in panel.locator(".messagelist").inner_text()
    screenshot(panel, "admin-approves-the-sign-up")
    context.close()


def test_a_new_customer_joins_a_private_course_and_works_through_it(
    tab, campus, admin, admin_user, chromium, live_server
):
    tab.goto("/portal/login/")
    screenshot(tab, "portal-login")

    # Create an account from the business's sign-up link, with the keyboard.
    tab.goto(f"/portal/signup/?business={campus.north.pk}")
    tab.get_by_label("Full name").fill("Zoë Quinn")
    tab.get_by_label("Email").fill("zoe@example.com")
    tab.get_by_label("Password").fill("a long password")
    screenshot(tab, "portal-signup")
    tab.get_by_label("Password").press("Enter")
    tab.wait_for_url("**/portal/")
    screenshot(tab, "portal-catalogue")
    zoe = User.objects.get(email="zoe@example.com").coworker

    # Ask for a place on the Private course, reached by its link.
    tab.goto(f"/portal/courses/{campus.private.pk}/")
    tab.get_by_role("button", name="Ask for a place").click()
    assert tab.get_by_text("Your status: Waiting for approval").is_visible()
    screenshot(tab, "portal-course-waiting")

    # An administrator approves it in the Admin Panel.
    approve_in_the_admin_panel(chromium, live_server, admin_user.email)
    tab.reload()
    assert tab.get_by_text("Your status: Approved").is_visible()
    practice = tab.locator("li", has_text="Practice")
    assert "Locked until “Intro” is completed" in practice.inner_text()
    assert practice.get_by_role("link").count() == 0
    screenshot(tab, "portal-course")

    # The Sequential lesson refuses to open by its address too.
    tab.goto(
        f"/portal/courses/{campus.private.pk}/lessons/{campus.practice.unique_id}/"
    )
    assert tab.get_by_role("heading", name="This lesson is locked").is_visible()
    screenshot(tab, "portal-lesson-locked")

    # Complete the two lessons in order.
    tab.goto(f"/portal/courses/{campus.private.pk}/")
    tab.get_by_role("link", name="Intro").click()
    screenshot(tab, "portal-lesson")
    tab.get_by_role("button", name="Mark as complete").click()
    tab.wait_for_url(f"**/lessons/{campus.practice.unique_id}/")
    assert tab.get_by_text("“Intro” is complete.").is_visible()
    tab.get_by_role("button", name="Mark as complete").click()
    tab.wait_for_url(f"**/portal/courses/{campus.private.pk}/")
    assert tab.get_by_text("100% · 2 of 2 lessons").is_visible()
    screenshot(tab, "portal-course-complete")

    record = member_record(admin, zoe)
    assert record["LastCompletedLessonId"] == campus.practice.pk
    assert record["LastCompletedLessonTitle"] == "Practice"
    assert record["LastAccess"] is not None
    assert (record["Approved"], record["Blocked"]) == (True, False)


def test_a_blocked_member_cannot_open_a_lesson(tab, campus, admin):
    sign_in(tab, campus.ana.email)
    tab.goto(f"/portal/courses/{campus.python.pk}/")
    tab.get_by_role("button", name="Sign up").click()
    tab.get_by_role("link", name="Variables").click()
    assert tab.get_by_role("button", name="Mark as complete").is_visible()

    command(admin, "BLOCK", member_record(admin, campus.ana))
    tab.reload()

    assert tab.get_by_role("heading", name="This lesson is locked").is_visible()
    assert tab.get_by_text("Your access to this course is blocked.").is_visible()
    assert tab.get_by_role("button", name="Mark as complete").count() == 0
    screenshot(tab, "portal-lesson-blocked")
    tab.goto(f"/portal/courses/{campus.python.pk}/")
    assert tab.get_by_text("Your status: Blocked").is_visible()
    assert tab.get_by_role("link", name="Variables").count() == 0


def test_the_password_reset_page_and_a_phone_sized_catalogue(tab, campus):
    tab.goto("/portal/password-reset/")
    tab.get_by_label("Email").fill(campus.ana.email)
    screenshot(tab, "portal-password-reset")
    tab.get_by_role("button", name="Send the link").click()
    assert tab.get_by_role("heading", name="Check your email").is_visible()

    tab.set_viewport_size({"width": 375, "height": 740})
    sign_in(tab, campus.ana.email)
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(tab, "portal-catalogue-phone")
