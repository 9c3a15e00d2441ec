"""Signing in to the Admin Panel and managing administrators there."""

import pyotp
import pytest
from django.test import Client

from roster.accounts.models import User
from roster.accounts.services import save_administrator
from roster.conftest import PASSWORD, sign_in
from roster.testing import make_customer

USERS = "/admin/accounts/user/"


@pytest.mark.parametrize(
    ("roles", "full", "enters"),
    [
        ((), True, True),
        (("CourseMember-List",), None, True),
        ((), None, False),
    ],
)
def test_administrators_with_a_role_sign_in_with_their_email(
    north, roles, full, enters
):
    save_administrator(
        "Someone@Example.com", PASSWORD, roles=roles, businesses=[north], full=full
    )

    response = sign_in(Client(), "someone@EXAMPLE.com")

    assert (response.status_code == 302) is enters


def test_a_customer_login_cannot_enter(north):
    customer = make_customer(north, "Cara Client")
    login = User(email="cara@example.com", coworker=customer)
    login.set_password(PASSWORD)
    login.save()
    client = Client()

    response = sign_in(client, "cara@example.com")

    assert response.status_code == 200
    assert "correct email and password" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_wrong_password_is_refused(admin_user):
    response = sign_in(Client(), admin_user.email, "wrong")

    assert response.status_code == 200
    assert response.context["form"].errors


def test_an_account_with_two_factors_needs_its_code(admin_user):
    admin_user.totp_secret = pyotp.random_base32()
    admin_user.save()
    body = {"username": admin_user.email, "password": PASSWORD, "next": "/admin/"}

    without = Client().post("/admin/login/", body)
    code = pyotp.TOTP(admin_user.totp_secret).now()
    with_code = Client().post("/admin/login/", {**body, "totp": code})

    assert without.status_code == 200
    assert with_code.status_code == 302


def test_logins_are_managed_by_full_administrators_only(north, make_panel):
    panel = make_panel("editor@example.com", roles=["Course-Edit"], businesses=[north])

    assert panel.get(USERS).status_code == 403


def test_an_administrator_is_created_with_roles_and_businesses(north, make_panel):
    panel = make_panel("root@example.com", full=True)
    body = {
        "email": "New.Admin@Example.com",
        "password1": "a long enough secret 1",
        "password2": "a long enough secret 1",
        "is_active": "on",
        "roles": ["CourseMember-List", "CourseMember-Edit"],
        "businesses": [north.pk],
    }

    response = panel.post(f"{USERS}add/", body)

    assert response.status_code == 302, response.content
    user = User.objects.get(email="new.admin@example.com")
    assert user.roles == ["CourseMember-Edit", "CourseMember-List"]
    assert list(user.businesses.all()) == [north]
    assert user.full_admin is False
    assert (
        sign_in(Client(), "new.admin@example.com", "a long enough secret 1").status_code
        == 302
    )


def test_an_administrator_is_edited_and_deactivated(north, make_panel):
    panel = make_panel("root@example.com", full=True)
    user = save_administrator("staff@example.com", PASSWORD, roles=["Team-List"])
    body = {"full_admin": "", "roles": ["Course-List"], "businesses": [north.pk]}

    response = panel.post(f"{USERS}{user.pk}/change/", body)

    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert (user.roles, user.is_active) == (["Course-List"], False)
    assert sign_in(Client(), "staff@example.com").status_code == 200


def test_a_password_is_set_with_django_password_form(make_panel):
    panel = make_panel("root@example.com", full=True)
    user = save_administrator("staff@example.com", PASSWORD, roles=["Team-List"])
    secret = "another long secret 2"

    response = panel.post(
        f"{USERS}{user.pk}/password/", {"password1": secret, "password2": secret}
    )

    assert response.status_code == 302, response.content
    assert sign_in(Client(), "staff@example.com", secret).status_code == 302
    user.refresh_from_db()
    assert user.roles == ["Team-List"]


def test_customer_logins_are_not_listed(north, make_panel):
    panel = make_panel("root@example.com", full=True)
    customer = make_customer(north, "Cara Client")
    User.objects.create(email="cara@example.com", coworker=customer)

    response = panel.get(USERS)

    emails = [user.email for user in response.context["cl"].result_list]
    assert emails == ["root@example.com"]


def test_an_administrator_changes_its_own_password(north, make_panel):
    panel = make_panel("staff@example.com", roles=["Team-List"], businesses=[north])
    secret = "my own new secret 3"
    body = {"old_password": PASSWORD, "new_password1": secret, "new_password2": secret}

    response = panel.post("/admin/password_change/", body)

    assert response.status_code == 302, response.content
    assert sign_in(Client(), "staff@example.com", secret).status_code == 302
    user = User.objects.get(email="staff@example.com")
    assert (user.roles, list(user.businesses.all())) == (["Team-List"], [north])
