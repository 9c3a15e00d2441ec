"""Signing in, creating an account, resetting a password."""

import re

import pytest
from django.core import mail
from django.test import Client

from roster.accounts.models import User
from roster.conftest import PASSWORD
from roster.customers.models import Coworker


def test_the_portal_sends_strangers_to_sign_in(db):
    response = Client().get("/portal/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=/portal/"


def test_a_customer_signs_in_and_out(campus):
    client = Client()

    response = client.post(
        "/portal/login/",
        {"email": "ANA@example.com", "password": PASSWORD, "next": "/portal/"},
    )
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200

    client.post("/portal/logout/")
    assert client.get("/portal/").status_code == 302


@pytest.mark.parametrize(
    "email, password",
    [("ana@example.com", "wrong"), ("nobody@example.com", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_a_failed_sign_in_says_the_same_whoever_it_is(campus, email, password):
    response = Client().post("/portal/login/", {"email": email, "password": password})

    assert response.status_code == 200
    assert "Enter the email and password of a customer" in response.content.decode()


def test_an_administrator_without_a_customer_cannot_sign_in(admin_user):
    response = Client().post(
        "/portal/login/", {"email": admin_user.email, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_the_next_address_stays_on_this_site(campus):
    response = Client().post(
        "/portal/login/",
        {"email": "ana@example.com", "password": PASSWORD, "next": "//evil.test/"},
    )

    assert response["Location"] == "/portal/"


def test_sign_up_creates_a_customer_and_its_login(campus):
    client = Client()

    response = client.post(
        "/portal/signup/",
        {
            "full_name": "Zoë Quinn",
            "email": "zoe@example.com",
            "password": "a long password",
            "business": campus.north.pk,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="zoe@example.com")
    assert user.check_password("a long password")
    assert (user.coworker.full_name, user.coworker.invoicing_business) == (
        "Zoë Quinn",
        campus.north,
    )
    assert user.roles == [] and not user.full_admin
    assert client.get("/portal/").status_code == 200


def test_a_sign_up_link_names_its_business(campus):
    response = Client().get(f"/portal/signup/?business={campus.south.pk}")

    html = response.content.decode()
    assert "You are joining <strong>South Hub</strong>" in html
    assert f'type="hidden" name="business" value="{campus.south.pk}"' in html


def test_suspended_businesses_take_no_sign_ups(campus):
    campus.south.suspended = True
    campus.south.save()

    page = Client().get("/portal/signup/").content.decode()
    response = Client().post(
        "/portal/signup/",
        {
            "full_name": "Sven Berg",
            "email": "sven@example.com",
            "password": "a long password",
            "business": campus.south.pk,
        },
    )

    assert "North Hub" in page and "South Hub" not in page
    assert response.status_code == 200
    assert not Coworker.objects.filter(email="sven@example.com").exists()


def test_an_email_with_a_login_cannot_sign_up_again(campus):
    response = Client().post(
        "/portal/signup/",
        {
            "full_name": "Ana Again",
            "email": "Ana@Example.com",
            "password": "a long password",
            "business": campus.south.pk,
        },
    )

    assert response.status_code == 200
    assert "already used by a login" in response.content.decode()
    assert not Coworker.objects.filter(invoicing_business=campus.south).exists()


def test_a_password_reset_link_comes_from_the_public_address(campus, settings):
    settings.ROSTER_PUBLIC_URL = "https://learn.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    response = Client().post(
        "/portal/password-reset/",
        {"email": "ana@example.com"},
        headers={"host": "localhost"},
        HTTP_X_FORWARDED_HOST="evil.test",
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.startswith("https://learn.example.org/portal/reset/")
    assert "evil.test" not in body and "localhost" not in body

    client = Client()
    form = client.get(link.removeprefix("https://learn.example.org"), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long secret", "new_password2": "a new long secret"},
    )
    assert response.status_code == 302
    campus.ana_login.refresh_from_db()
    assert campus.ana_login.check_password("a new long secret")


def test_administrators_get_no_reset_from_the_portal(admin_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    Client().post("/portal/password-reset/", {"email": admin_user.email})

    assert mail.outbox == []


def test_an_administrators_session_is_turned_away_but_kept(admin_user):
    client = Client()
    client.force_login(admin_user)

    response = client.get("/portal/")

    assert response.status_code == 403
    assert "Not a customer's login" in response.content.decode()
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_an_inactive_customer_cannot_sign_in(campus):
    campus.ana.active = False
    campus.ana.save()

    response = Client().post(
        "/portal/login/", {"email": "ana@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session
