"""Whole numbers in bodies are read exactly, or refused naming the field.

A JSON integer past 64 bits reaches the engine as a float; near the edge of
a 64-bit column that float rounds onto a value the column holds, so it must
be refused rather than stored as a number the client never wrote.
"""

import pytest

from roster.businesses.models import Business

BUSINESSES = "/api/sys/businesses"
LIMIT = "must be a whole number from -9223372036854775808 to 9223372036854775807."


@pytest.mark.parametrize(
    ("literal", "stored"),
    [
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775807", 2**63 - 1),
        ("2.0", 2),
        ('"3"', 3),
        ("9007199254740992.0", 2**53),
    ],
)
def test_a_whole_number_is_stored_as_written(admin, north, literal, stored):
    response = put_root_location(admin, north, literal)

    assert response.status_code == 200, response.content
    north.refresh_from_db()
    assert north.root_location_id == stored


@pytest.mark.parametrize(
    "literal",
    [
        "-9223372036854775809",
        "-9223372036854775900",
        "9223372036854775808",
        "18446744073709551616",
        "1.9",
        "9007199254740994.0",
        "1e30",
    ],
)
def test_a_number_the_column_cannot_hold_exactly_is_refused(admin, north, literal):
    response = put_root_location(admin, north, literal)

    assert response.status_code == 400, response.content
    (error,) = response.json()["Errors"]
    assert error["PropertyName"] == "RootLocationId"
    assert error["Message"] == f"RootLocationId {LIMIT}"
    assert Business.objects.get(pk=north.pk).root_location_id is None


def put_root_location(api, business, literal):
    body = f'{{"Id": {business.pk}, "Name": "North Hub", "RootLocationId": {literal}}}'
    return api.client.put(
        BUSINESSES, body, content_type="application/json", headers=api.headers
    )
