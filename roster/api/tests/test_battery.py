"""The contract every resource keeps, checked the same way for all of them.

Each resource is described once in SPECS: how to find its record at a
site, a valid body to create one, the reference that ties a new record to a
business, and how to make a record that may be deleted. Every call is tried
as anonymous, without the role, with the role, and from another business.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roster.accounts.roles import ACTIONS, ALL_ROLES
from roster.api.resources import REGISTRY
from roster.conftest import Anonymous
from roster.courses.models import CourseSection
from roster.testing import SEARCH, enrol, invalid, make_course, make_lesson, make_team

MISSING_ID = 987654321
DENIED = "Authorization has been denied for this request."
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@dataclass
class Spec:
    name: str
    path: str
    record: Callable
    create: Callable | None
    required: list
    # The property that ties a new record to a business, and its value.
    reference: tuple | None = None
    disposable: Callable | None = None
    single_lists: list = field(default_factory=list)
    # How created values read back where they differ (enums by name).
    shown: dict = field(default_factory=dict)


SPECS = [
    Spec(
        "Business",
        "/api/sys/businesses",
        record=lambda site: site.business,
        create=None,
        required=["Name"],
    ),
    Spec(
        "Coworker",
        "/api/spaces/coworkers",
        record=lambda site: site.coworker,
        create=lambda site: {
            "CoworkerType": 2,
            "FullName": "Nia Okafor",
            "Email": "nia@example.com",
            "CompanyName": "Okafor Studio",
            "InvoicingBusinessId": site.business.id,
            "Teams": [site.team.id],
        },
        required=["CoworkerType", "FullName", "Email", "InvoicingBusinessId"],
        reference=("InvoicingBusinessId", lambda site: site.business.id),
        single_lists=["Teams"],
        shown={"CoworkerType": "Company"},
    ),
    Spec(
        "Team",
        "/api/spaces/teams",
        record=lambda site: site.team,
        create=lambda site: {
            "BusinessId": site.business.id,
            "Name": "Night Owls",
            "TeamMembers": [site.coworker.id, site.spare.id],
        },
        required=["BusinessId", "Name"],
        reference=("BusinessId", lambda site: site.business.id),
        disposable=lambda site: make_team(site.business, "Disposable"),
        single_lists=["TeamMembers"],
    ),
    Spec(
        "Course",
        "/api/content/courses",
        record=lambda site: site.course,
        create=lambda site: {
            "BusinessId": site.business.id,
            "Title": "Kiln safety",
            "Visibility": 3,
            "DisplayOrder": 4,
            "HostId": site.coworker.id,
        },
        required=["BusinessId", "Title", "DisplayOrder", "Visibility"],
        reference=("BusinessId", lambda site: site.business.id),
        disposable=lambda site: make_course(site.business, "Disposable"),
        shown={"Visibility": "Private"},
    ),
    Spec(
        "CourseSection",
        "/api/content/coursesections",
        record=lambda site: site.section,
        create=lambda site: {
            "CourseId": site.course.id,
            "Title": "Part 2",
            "DisplayOrder": 2,
            "UnlockType": 2,
        },
        shown={"UnlockType": "Sequential"},
        required=["CourseId", "Title", "DisplayOrder"],
        reference=("CourseId", lambda site: site.course.id),
        disposable=lambda site: CourseSection.objects.create(
            course=site.course, title="Disposable"
        ),
    ),
    Spec(
        "CourseLesson",
        "/api/content/courselessons",
        record=lambda site: site.lesson,
        create=lambda site: {
            "CourseId": site.course.id,
            "SectionId": site.section.id,
            "Title": "Third lesson",
            "DisplayOrder": 3,
            "CompletionType": "Visited",
        },
        required=["CourseId", "Title", "DisplayOrder"],
        reference=("CourseId", lambda site: site.course.id),
        disposable=lambda site: make_lesson(site.course, "Disposable"),
    ),
    Spec(
        "CourseMember",
        "/api/content/coursemembers",
        record=lambda site: site.member,
        create=lambda site: {
            "CourseId": site.course.id,
            "CoworkerId": site.spare.id,
            "Approved": True,
        },
        required=["CourseId", "CoworkerId"],
        reference=("CourseId", lambda site: site.course.id),
        disposable=lambda site: enrol(site.course, site.spare),
    ),
    Spec(
        "CourseCompletedLesson",
        "/api/content/coursecompletedlessons",
        record=lambda site: site.completion,
        create=lambda site: {
            "CourseLessonId": site.second_lesson.id,
            "CourseMemberId": site.member.id,
        },
        required=["CourseLessonId", "CourseMemberId"],
        reference=("CourseMemberId", lambda site: site.member.id),
        disposable=lambda site: site.completion,
    ),
]
BY_NAME = {spec.name: spec for spec in SPECS}


def each(predicate=lambda spec: True):
    return [pytest.param(spec, id=spec.name) for spec in SPECS if predicate(spec)]


def test_every_resource_has_the_battery():
    assert sorted(BY_NAME) == sorted(REGISTRY)


# The callers


@pytest.fixture
def clerk(make_api, world):
    """An administrator of North Hub holding every role of one entity."""

    def make(spec):
        roles = [f"{spec.name}-{action}" for action in ACTIONS]
        return make_api("clerk@example.com", roles, [world.north.business])

    return make


@pytest.fixture
def stranger(make_api, world):
    """An administrator of North Hub holding every role but one entity's."""

    def make(spec):
        roles = sorted(r for r in ALL_ROLES if not r.startswith(spec.name + "-"))
        return make_api("stranger@example.com", roles, [world.north.business])

    return make


def denied(spec, action):
    return {"Message": f"{DENIED} The {spec.name}-{action} role is required."}


def calls(spec, world):
    """Every call of the template on North Hub's record, as (action, send)."""
    record = spec.record(world.north)
    path = f"{spec.path}/{record.id}"
    body = spec.create(world.north) if spec.create else {}
    return [
        ("List", lambda api: api.get(spec.path)),
        ("Read", lambda api: api.get(path)),
        ("Read", lambda api: api.get(spec.path, {"id": f"[{record.id}]"})),
        ("Create", lambda api: api.post(spec.path, body)),
        ("Edit", lambda api: api.put(spec.path, {"Id": record.id})),
        ("Delete", lambda api: api.delete(path)),
        ("List", lambda api: api.get(spec.path + "/commands")),
        ("Edit", lambda api: api.post(spec.path + "/runcommand", {"Key": "X"})),
    ]


def allowed(spec, action):
    if action == "Create":
        return spec.create is not None
    if action == "Delete":
        return spec.disposable is not None
    return True


# Anonymous and without the role


@pytest.mark.parametrize("spec", each())
def test_anonymous_callers_are_refused_everywhere(spec, world):
    for action, send in calls(spec, world):
        if not allowed(spec, action):
            continue
        response = send(Anonymous())

        assert response.status_code == 401, (action, response.content)
        assert response.json() == {"Message": DENIED}
        assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize("spec", each())
def test_callers_without_the_role_are_refused_naming_it(spec, world, stranger):
    api = stranger(spec)
    for action, send in calls(spec, world):
        if not allowed(spec, action):
            continue
        response = send(api)

        assert response.status_code == 403, (action, response.content)
        assert response.json() == denied(spec, action)


@pytest.mark.parametrize("spec", each(lambda spec: not spec.create))
def test_a_resource_without_create_refuses_the_method(spec, admin, world):
    response = admin.post(spec.path, {"Name": "Anything"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, PUT"


@pytest.mark.parametrize("spec", each(lambda spec: not spec.disposable))
def test_a_resource_without_delete_refuses_the_method(spec, admin, world):
    response = admin.delete(f"{spec.path}/{spec.record(world.north).id}")

    assert response.status_code == 405
    assert response["Allow"] == "GET"


# With the role, and from another business


def record_ids(response):
    assert response.status_code == 200, response.content
    return [record["Id"] for record in response.json()["Records"]]


@pytest.mark.parametrize("spec", each())
def test_the_list_holds_only_the_caller_s_business(spec, admin, clerk, world):
    north, south = spec.record(world.north).id, spec.record(world.south).id

    mine = clerk(spec).get(spec.path, {"size": "50"})
    everyone = admin.get(spec.path, {"size": "50"})

    assert north in record_ids(mine) and south not in record_ids(mine)
    assert {north, south} <= set(record_ids(everyone))
    assert mine.json()["TotalItems"] == len(record_ids(mine))


@pytest.mark.parametrize("spec", each())
def test_the_list_costs_the_same_queries_at_any_size(spec, admin, world):
    def count(size):
        with CaptureQueriesContext(connection) as queries:
            assert len(record_ids(admin.get(spec.path, {"size": size}))) == size
        return len(queries)

    # The throttle's count, the token, the count of records and the page,
    # then, where records are rendered in Python, one query per derived
    # list such as team names (kept records hold them already).
    resource = REGISTRY[spec.name]
    kept = resource.kept_table is not None and connection.vendor == "sqlite"
    loaders = 0 if kept else len(resource.loaders)
    assert count(1) == count(2) == 4 + loaders


@pytest.mark.parametrize("spec", each())
def test_get_one_answers_the_record_with_its_lists(spec, clerk, world):
    record = spec.record(world.north)
    api = clerk(spec)

    response = api.get(f"{spec.path}/{record.id}")

    assert response.status_code == 200
    body = response.json()
    [listed] = [
        r
        for r in api.get(spec.path, {"size": "50"}).json()["Records"]
        if r["Id"] == record.id
    ]
    assert {k: v for k, v in body.items() if k not in spec.single_lists} == listed
    assert list(body) == [field.key for field in REGISTRY[spec.name].all_fields]


@pytest.mark.parametrize("spec", each())
def test_another_business_s_record_looks_missing(spec, clerk, world):
    api = clerk(spec)
    foreign = spec.record(world.south).id

    for path in (f"{spec.path}/{foreign}", f"{spec.path}/{MISSING_ID}"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {"Message": "The requested resource was not found."}
    for record_id in (foreign, MISSING_ID):
        response = api.put(spec.path, {"Id": record_id})
        assert response.status_code == 404
        if spec.disposable:
            assert api.delete(f"{spec.path}/{record_id}").status_code == 404
    assert api.get(spec.path, {"id": f"[{foreign},{MISSING_ID}]"}).json() == []


@pytest.mark.parametrize("spec", each())
def test_batch_get_answers_a_bare_array_of_visible_records(spec, clerk, world):
    north, south = spec.record(world.north).id, spec.record(world.south).id
    api = clerk(spec)

    response = api.get(spec.path, {"id": f"[{south},{north}]"})

    assert response.status_code == 200
    assert [record["Id"] for record in response.json()] == [north]


@pytest.mark.parametrize("name", ["id", "ID", "Id"])
def test_batch_get_reads_id_in_any_case(admin, world, name):
    members = [world.north.member.id, world.south.member.id]

    response = admin.get(SEARCH, {name: f"[{members[1]},{members[0]}]"})

    assert response.status_code == 200
    assert [record["Id"] for record in response.json()] == sorted(members)


@pytest.mark.parametrize(
    "params", [{"id": ["[1]", "[2]"]}, {"id": "[1]", "ID": "[2]"}], ids=str
)
def test_batch_get_refuses_id_given_twice(admin, world, params):
    response = admin.get(SEARCH, params)

    name = list(params)[-1]
    assert response.status_code == 400
    assert response.json() == invalid((name, "[2]", f"{name} is given more than once."))


def mutation(spec, action, record_id, actor):
    return {
        "Status": 200,
        "Message": f"{spec.name} was successfully {action}.",
        "Value": {"Id": record_id},
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": None,
        "JavaScript": None,
        "UpdatedOn": "MOMENT",
        "UpdatedBy": actor,
        "Errors": None,
        "WasSuccessful": True,
    }


def stamped(response):
    """The body with its UpdatedOn, checked for its format, as "MOMENT"."""
    body = response.json()
    assert MOMENT.fullmatch(body["UpdatedOn"]), body
    return {**body, "UpdatedOn": "MOMENT"}


@pytest.mark.parametrize("spec", each(lambda spec: spec.create))
def test_create_answers_the_new_id_and_the_record_reads_back(spec, clerk, world):
    api = clerk(spec)
    body = spec.create(world.north)

    response = api.post(spec.path, body)

    assert response.status_code == 200, response.content
    new_id = response.json()["Value"]["Id"]
    assert stamped(response) == mutation(spec, "created", new_id, "clerk@example.com")
    record = api.get(f"{spec.path}/{new_id}").json()
    assert {key: record[key] for key in body} == {**body, **spec.shown}
    assert record["UpdatedBy"] == "clerk@example.com"


@pytest.mark.parametrize("spec", each(lambda spec: spec.create))
def test_create_takes_what_real_clients_send_besides(spec, clerk, world):
    body = {
        **spec.create(world.north),
        "TypeName": spec.name[0].lower() + spec.name[1:],
        "Id": 0,
        "NewImageUrl": "https://example.com/picture.png",
        "ImageFileName": "picture.png",
        "ClearImageFile": False,
        "IsNew": True,
        "UniqueId": "00000000-0000-0000-0000-000000000000",
    }

    response = clerk(spec).post(spec.path, body)

    assert response.status_code == 200, response.content
    assert response.json()["WasSuccessful"] is True


@pytest.mark.parametrize("spec", each(lambda spec: spec.create))
def test_create_refuses_another_business_s_record_as_a_missing_one(spec, clerk, world):
    api = clerk(spec)
    key, value_at = spec.reference
    message = f"{key} must be the id of an existing "

    for value in (value_at(world.south), MISSING_ID):
        body = {**spec.create(world.north), key: value}
        response = api.post(spec.path, body)

        assert response.status_code == 400
        [error] = response.json()["Errors"]
        assert (error["PropertyName"], error["AttemptedValue"]) == (key, value)
        assert error["Message"].startswith(message)


@pytest.mark.parametrize("spec", each(lambda spec: spec.create))
def test_create_lists_every_missing_required_property(spec, clerk, world):
    response = clerk(spec).post(spec.path, {})

    assert response.status_code == 400
    assert response.json() == invalid(
        *((key, None, f"{key} is required.") for key in spec.required)
    )


@pytest.mark.parametrize("spec", each())
def test_a_record_read_and_sent_back_whole_updates(spec, clerk, world):
    api = clerk(spec)
    record = spec.record(world.north)
    before = api.get(f"{spec.path}/{record.id}").json()

    response = api.put(spec.path, before)

    assert response.status_code == 200, response.content
    assert stamped(response) == mutation(
        spec, "updated", record.id, "clerk@example.com"
    )
    after = api.get(f"{spec.path}/{record.id}").json()
    unchanged = ("UpdatedOn", "UpdatedBy")
    assert {k: v for k, v in after.items() if k not in unchanged} == {
        k: v for k, v in before.items() if k not in unchanged
    }
    assert after["UpdatedBy"] == "clerk@example.com"


@pytest.mark.parametrize("spec", each(lambda spec: spec.disposable))
def test_delete_removes_the_record(spec, clerk, world):
    api = clerk(spec)
    record = spec.disposable(world.north)

    response = api.delete(f"{spec.path}/{record.id}")

    assert response.status_code == 200, response.content
    assert stamped(response) == mutation(
        spec, "deleted", record.id, "clerk@example.com"
    )
    assert api.get(f"{spec.path}/{record.id}").status_code == 404


# Bodies that are not what they should be


@pytest.mark.parametrize("spec", each(lambda spec: spec.create))
@pytest.mark.parametrize(
    ("raw", "content_type", "problem"),
    [
        (
            '{"Title": ',
            "application/json",
            ("", None, "The body is not valid JSON: unexpected end of data."),
        ),
        ("[1, 2]", "application/json", ("", None, "The body must be a JSON object.")),
        ('"text"', "application/json", ("", None, "The body must be a JSON object.")),
        (
            "Title=x",
            "application/x-www-form-urlencoded",
            (
                "",
                "application/x-www-form-urlencoded",
                "The body must be JSON, sent as Content-Type: application/json.",
            ),
        ),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    spec, clerk, world, raw, content_type, problem
):
    response = clerk(spec).send("post", spec.path, raw, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == invalid(problem)


@pytest.mark.parametrize("spec", each())
def test_an_update_without_a_usable_id_is_refused(spec, clerk, world):
    api = clerk(spec)
    message = "Id must be the whole-number id of the record to update."

    for body, value in (({}, None), ({"Id": "abc"}, "abc"), ({"Id": 1.5}, 1.5)):
        response = api.put(spec.path, body)

        assert response.status_code == 400
        assert response.json() == invalid(("Id", value, message))


@pytest.mark.parametrize("spec", each(lambda spec: spec.name != "CourseMember"))
def test_a_resource_without_commands_lists_none(spec, admin, world):
    assert admin.get(spec.path + "/commands").json() == []

    response = admin.post(spec.path + "/runcommand", {"Key": "APPROVE", "Ids": []})

    assert response.status_code == 400
    message = f"Key must name a command of {spec.name}: none."
    assert response.json() == invalid(("Key", "APPROVE", message))
