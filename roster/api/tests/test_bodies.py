"""Bodies are read strictly: each field takes only the values of its kind."""

import pytest

from roster.api.fields import MAX_IDS
from roster.testing import envelope, invalid

COURSES = "/api/content/courses"
SECTIONS = "/api/content/coursesections"
COWORKERS = "/api/spaces/coworkers"


def course(world, **values):
    body = {
        "BusinessId": world.north.business.id,
        "Title": "Kiln safety",
        "Visibility": 1,
        "DisplayOrder": 1,
    }
    return {**body, **values}


INT32 = "a whole number from -2147483648 to 2147483647"
ID = "the whole-number id of a record"
VISIBILITY = "one of 1 (Public), 2 (Hidden), 3 (Private), 4 (Paid)"

REFUSED = [
    ("DisplayOrder", 1.9, f"must be {INT32}."),
    ("DisplayOrder", True, f"must be {INT32}."),
    ("DisplayOrder", "x", f"must be {INT32}."),
    ("DisplayOrder", [1], f"must be {INT32}."),
    ("DisplayOrder", {"n": 1}, f"must be {INT32}."),
    ("DisplayOrder", 2**31, f"must be {INT32}."),
    ("DisplayOrder", None, "is required."),
    ("BusinessId", 2**63, f"must be {ID}."),
    ("BusinessId", "1.0x", f"must be {ID}."),
    ("BusinessId", 0, f"must be {ID}."),
    ("Active", "maybe", "must be true or false."),
    ("Active", 1, "must be true or false."),
    ("Active", None, "must be true or false."),
    ("Title", 5, "must be text of at most 200 characters."),
    ("Title", "x" * 201, "must be text of at most 200 characters."),
    ("Title", "", "is required."),
    ("Title", "A\x00B", "must not contain the NUL character."),
    ("SummaryText", ["a"], "must be text."),
    ("Visibility", 5, f"must be {VISIBILITY}."),
    ("Visibility", "Secret", f"must be {VISIBILITY}."),
    ("Visibility", 1.5, f"must be {VISIBILITY}."),
]


@pytest.mark.parametrize(("key", "value", "rule"), REFUSED)
def test_a_value_of_the_wrong_kind_is_refused_naming_the_field(
    admin, world, key, value, rule
):
    response = admin.post(COURSES, course(world, **{key: value}))

    assert response.status_code == 400
    assert response.json() == invalid((key, value, f"{key} {rule}"))


ACCEPTED = [
    ("DisplayOrder", 2.0, "DisplayOrder", 2),
    ("DisplayOrder", "3", "DisplayOrder", 3),
    ("DisplayOrder", -2147483648, "DisplayOrder", -2147483648),
    ("Active", "TRUE", "Active", True),
    ("Active", "false", "Active", False),
    ("Visibility", "private", "Visibility", "Private"),
    ("Visibility", "4", "Visibility", "Paid"),
    ("SummaryText", None, "SummaryText", ""),
    ("SystemId", None, "SystemId", None),
    ("SystemId", "crm-7", "SystemId", "crm-7"),
    ("Title", "Ünïcødé " + "x" * 192, "Title", "Ünïcødé " + "x" * 192),
]


@pytest.mark.parametrize(("key", "value", "shown_key", "shown"), ACCEPTED)
def test_values_of_the_right_kind_are_read(admin, world, key, value, shown_key, shown):
    response = admin.post(COURSES, course(world, **{key: value}))

    assert response.status_code == 200, response.content
    record = admin.get(f"{COURSES}/{response.json()['Value']['Id']}").json()
    assert record[shown_key] == shown


def test_every_problem_is_listed_in_the_declared_order(admin, world):
    body = course(world, Title=7, Active="no", Visibility=0)

    response = admin.post(COURSES, body)

    assert response.json() == invalid(
        ("Title", 7, "Title must be text of at most 200 characters."),
        ("Active", "no", "Active must be true or false."),
        ("Visibility", 0, f"Visibility must be {VISIBILITY}."),
    )


def test_property_names_ignore_case(admin, world):
    body = {
        "businessid": world.north.business.id,
        "TITLE": "Kiln safety",
        "visibility": 2,
        "displayOrder": 9,
    }

    response = admin.post(COURSES, body)

    record = admin.get(f"{COURSES}/{response.json()['Value']['Id']}").json()
    assert (record["Title"], record["Visibility"], record["DisplayOrder"]) == (
        "Kiln safety",
        "Hidden",
        9,
    )


def test_an_update_gives_left_out_fields_their_defaults(admin, world):
    created = admin.post(
        COURSES, course(world, SummaryText="Heat", Active=False, ShowOverview=True)
    )
    course_id = created.json()["Value"]["Id"]

    response = admin.put(COURSES, {"Id": course_id, **course(world)})

    assert response.status_code == 200
    record = admin.get(f"{COURSES}/{course_id}").json()
    assert (record["SummaryText"], record["Active"], record["ShowOverview"]) == (
        "",
        True,
        False,
    )


def test_an_unlock_delay_below_zero_is_refused(admin, world):
    body = {
        "CourseId": world.north.course.id,
        "Title": "Later",
        "DisplayOrder": 1,
        "UnlockAfterDays": -1,
    }

    response = admin.post(SECTIONS, body)

    message = "UnlockAfterDays must be a whole number from 0 to 2147483647."
    assert response.json() == invalid(("UnlockAfterDays", -1, message))


def test_a_list_of_ids_holds_at_most_the_maximum(admin, world):
    body = {
        "CoworkerType": 1,
        "FullName": "Nia Okafor",
        "Email": "nia@example.com",
        "InvoicingBusinessId": world.north.business.id,
        "Teams": list(range(1, MAX_IDS + 2)),
    }

    response = admin.post(COWORKERS, body)

    message = f"Teams must be a list of at most {MAX_IDS} whole-number ids."
    assert response.json() == invalid(("Teams", body["Teams"], message))


def test_a_batch_get_takes_the_maximum_number_of_ids_on_every_database(admin, world):
    ids = [world.north.course.id, *range(10**9, 10**9 + MAX_IDS - 1)]

    response = admin.get(COURSES, {"id": str(ids).replace(" ", "")})
    too_many = admin.get(COURSES, {"id": str([*ids, 1])})

    assert response.status_code == 200
    assert [record["Id"] for record in response.json()] == [world.north.course.id]
    message = f"id must be a list of at most {MAX_IDS} whole-number ids."
    assert too_many.json() == invalid(("id", None, message))


@pytest.mark.parametrize("raw", ["[1,", "[x]", "[1.5]", "[-1]", "{}"])
def test_a_batch_get_with_a_malformed_list_is_refused(admin, world, raw):
    response = admin.get(COURSES, {"id": raw})

    message = f"id must be a list of at most {MAX_IDS} whole-number ids."
    assert response.status_code == 400
    assert response.json() == invalid(("id", None, message))


def test_an_id_past_64_bits_in_a_command_is_refused(admin, world):
    response = admin.post(
        "/api/content/coursemembers/runcommand", {"Key": "APPROVE", "Ids": [2**63]}
    )

    message = f"Ids must be a list of at most {MAX_IDS} whole-number ids."
    assert response.status_code == 400
    assert response.json() == invalid(("Ids", None, message))


def test_an_id_past_64_bits_in_a_batch_get_is_refused(admin, world):
    response = admin.get(COURSES, {"id": f"[{2**63}]"})

    message = f"id must be a list of at most {MAX_IDS} whole-number ids."
    assert response.status_code == 400
    assert response.json() == invalid(("id", None, message))


def test_an_empty_id_list_is_ignored_like_any_empty_parameter(admin, world):
    response = admin.get(COURSES, {"id": "", "Course_Title": "no such course"})

    assert response.status_code == 200
    assert response.json() == envelope([], 1, 25, 0, 0, False, False, 0, 0)
