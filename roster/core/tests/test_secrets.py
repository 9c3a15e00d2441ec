"""Secrets stay secret: out of the logs, hashed at rest, behind headers."""

import base64
import logging
from urllib.parse import urlencode

from roster.accounts.models import AccessToken, RefreshToken, User
from roster.conftest import FORM, PASSWORD

SEARCH = "/api/content/coursemembers"


def test_a_full_run_writes_no_secret_to_the_logs(client, admin_user, world, caplog):
    caplog.set_level(logging.DEBUG)

    def token(**form):
        return client.post("/api/token", urlencode(form), content_type=FORM)

    granted = token(grant_type="password", username=admin_user.email, password=PASSWORD)
    refreshed = token(
        grant_type="refresh_token", refresh_token=granted.json()["refresh_token"]
    )
    token(grant_type="password", username=admin_user.email, password="wrong-secret")
    bearer = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    basic = base64.b64encode(f"{admin_user.email}:{PASSWORD}".encode()).decode()
    client.get(SEARCH, headers=bearer)
    client.get(SEARCH, headers={"Authorization": f"Basic {basic}"})
    client.post(
        "/api/content/coursemembers/runcommand",
        {"Key": "BLOCK", "Ids": [world.north.member.id]},
        content_type="application/json",
        headers=bearer,
    )

    secrets = [
        PASSWORD,
        "wrong-secret",
        basic,
        *(granted.json()[k] for k in ("access_token", "refresh_token")),
        *(refreshed.json()[k] for k in ("access_token", "refresh_token")),
    ]
    assert caplog.records, "the run logged nothing, so the check proves nothing"
    assert [s for s in secrets if s in caplog.text] == []


def test_tokens_and_passwords_are_stored_only_as_hashes(client, admin_user):
    form = {"grant_type": "password", "username": admin_user.email}
    answer = client.post(
        "/api/token", urlencode({**form, "password": PASSWORD}), content_type=FORM
    ).json()

    stored = [
        *AccessToken.objects.values_list("token_hash", flat=True),
        *RefreshToken.objects.values_list("token_hash", flat=True),
    ]
    assert answer["access_token"] not in stored
    assert answer["refresh_token"] not in stored
    assert User.objects.get().password.startswith("argon2$")


def test_every_answer_carries_the_security_headers(client, db):
    response = client.get(SEARCH)

    assert {
        name: response[name]
        for name in (
            "X-Content-Type-Options",
            "X-Frame-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
        )
    } == {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
