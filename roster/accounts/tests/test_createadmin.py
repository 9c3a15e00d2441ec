"""`roster createadmin` adds and updates administrators."""

import pytest
from django.core.management import CommandError, call_command

from roster.accounts.models import User
from roster.businesses.models import Business


def test_full_administrator_by_default(db, capsys):
    call_command("createadmin", "--email", "Ops@Example.com", "--password", "pw-1")

    user = User.objects.get()
    assert (user.email, user.full_admin, user.roles) == ("ops@example.com", True, [])
    assert user.check_password("pw-1")
    assert capsys.readouterr().out == "ops@example.com is a full administrator.\n"


def test_restricted_administrator_with_roles_and_businesses(db):
    north = Business.objects.create(name="North")
    call_command(
        "createadmin",
        "--email=clerk@example.com",
        "--password=pw-2",
        "--role=CourseMember-List",
        "--role=CourseMember-Read",
        f"--business={north.pk}",
    )

    user = User.objects.get()
    assert not user.full_admin
    assert user.roles == ["CourseMember-List", "CourseMember-Read"]
    assert list(user.businesses.all()) == [north]


def test_running_again_updates_the_same_account(db):
    call_command("createadmin", "--email", "ops@example.com", "--password", "one")
    call_command("createadmin", "--email", "OPS@example.com", "--password", "two")

    user = User.objects.get()
    assert user.check_password("two")


def test_prompts_for_the_password(db, monkeypatch):
    answers = iter(["typed-secret", "typed-secret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    call_command("createadmin", "--email", "ops@example.com")

    assert User.objects.get().check_password("typed-secret")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "Course-Fly"], "Unknown roles: Course-Fly"),
        (["--role", "Course-List", "--business", "999"], "No business with id 999"),
        (["--business", "1"], "Give the roles a business-restricted admin holds."),
    ],
)
def test_bad_arguments_are_refused(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "createadmin", "--email", "x@example.com", "--password", "p", *arguments
        )
    assert not User.objects.exists()


def test_mismatched_prompted_passwords_are_refused(db, monkeypatch):
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="do not match"):
        call_command("createadmin", "--email", "ops@example.com")


def test_serve_refuses_to_start_without_a_secret_key(db, monkeypatch):
    monkeypatch.delenv("ROSTER_SECRET_KEY", raising=False)

    with pytest.raises(CommandError, match="ROSTER_SECRET_KEY"):
        call_command("serve")
