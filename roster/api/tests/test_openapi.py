"""`GET /api/openapi.json` and `GET /api/docs`: the API described by itself.

The document is derived from the resource declarations; these tests hold it
to them (every resource, path, method, filter, range and ordering) and hold
real answers to the schemas it documents.
"""

import re

import orjson
import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from roster.api import fields as f
from roster.api.openapi import document_json
from roster.api.resources import REGISTRY
from roster.conftest import PASSWORD, post_form
from roster.courses.models import Visibility
from roster.testing import enrol, make_course, make_customer

RESOURCES = list(REGISTRY.values())
SEARCH_PARAMETERS = {"page", "size", "orderby", "dir", "id"}
JSON = "application/json"


@pytest.fixture(scope="module")
def document():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200, response.content
    return response.json()


def search_operation(document, resource):
    return document["paths"]["/api/" + resource.path]["get"]


def parameters(operation):
    return {p["name"]: p for p in operation["parameters"]}


def resolve(document, schema):
    """Follow `$ref`s within the document until a schema without one."""
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def assert_documented(document, path, method, response):
    """The answer's body fits the schema documented for its status."""
    operation = document["paths"][path][method.lower()]
    documented = resolve(document, operation["responses"][str(response.status_code)])
    schema = documented["content"][JSON]["schema"]
    root = {"components": document["components"], **schema}
    validator = Draft202012Validator(
        root, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == [], response.json()


def send(api, method, path, body):
    return api.client.generic(
        method, path, orjson.dumps(body), content_type=JSON, headers=api.headers
    )


# The document itself


def test_the_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.")


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/openapi.json/"])
def test_the_document_needs_no_credentials_and_is_built_once(path):
    response = Client().get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == document_json()
    assert document_json() is document_json()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs", "/api/docs/"])
def test_other_methods_on_the_document_are_refused(method, path):
    # As a browser's or curl's request would be: with Django's CSRF check.
    response = getattr(Client(enforce_csrf_checks=True), method)(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "Message": "The requested resource does not support this HTTP method."
    }


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_resource_has_its_paths_and_methods(document, resource):
    base = "/api/" + resource.path
    expected = {
        base: {"get", "put"} | ({"post"} if resource.can_create else set()),
        base + "/{id}": {"get"} | ({"delete"} if resource.can_delete else set()),
        base + "/commands": {"get"},
        base + "/runcommand": {"post"},
    }
    methods = ("get", "put", "post", "delete", "patch")

    documented = {
        path: {m for m in document["paths"][path] if m in methods} for path in expected
    }

    assert documented == expected


def test_the_documented_paths_are_exactly_those_of_the_resources(document):
    expected = {"/api/token"}
    for resource in RESOURCES:
        base = "/api/" + resource.path
        expected |= {base, base + "/{id}", base + "/commands", base + "/runcommand"}

    assert set(document["paths"]) == expected


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_filter_range_and_ordering_is_documented(document, resource, settings):
    """A field declared filterable, ranged or sortable cannot go undocumented."""
    operation = search_operation(document, resource)
    documented = parameters(operation)
    ranges = {end + name for name in resource.ranges for end in ("from_", "to_")}

    assert {name.lower() for name in documented} == (
        SEARCH_PARAMETERS | set(resource.filters) | ranges
    )
    assert len(documented) == len(SEARCH_PARAMETERS | set(resource.filters) | ranges)
    order_by = documented["orderBy"]["schema"]["enum"]
    assert {name.lower() for name in order_by} == set(resource.orderings)
    assert documented["dir"]["schema"]["enum"] == [1, -1, 0]
    size = documented["size"]["schema"]
    assert (size["minimum"], size["maximum"]) == (1, settings.ROSTER_MAX_PAGE_SIZE)


def test_the_coursemember_filters_are_those_of_the_contract(document):
    names = set(parameters(search_operation(document, REGISTRY["CourseMember"])))
    contract = {
        "CourseMember_Course",
        "CourseMember_Course_Title",
        "CourseMember_Coworker",
        "CourseMember_Coworker_CoworkerType",
        "CourseMember_Coworker_FullName",
        "CourseMember_Coworker_CompanyName",
        "CourseMember_Coworker_TeamNames",
        "CourseMember_Coworker_BillingName",
        "CourseMember_LastCompletedLesson",
        "CourseMember_LastCompletedLesson_Title",
        "CourseMember_LastAccess",
        "CourseMember_Approved",
        "CourseMember_Blocked",
        "CourseMember_CreatedOn",
        "CourseMember_UpdatedOn",
        "CourseMember_Id",
        "CourseMember_UniqueId",
        "CourseMember_SystemId",
    }
    ranges = {
        end + "CourseMember_" + name
        for end in ("from_", "to_")
        for name in ("LastAccess", "CreatedOn", "UpdatedOn", "Id")
    }

    assert names == {"page", "size", "orderBy", "dir", "id"} | contract | ranges


FILTER_SCHEMAS = [
    ("CourseMember_Course", {"type": "integer", "format": "int64"}),
    ("CourseMember_Coworker_FullName", {"type": "string"}),
    ("CourseMember_Approved", {"type": "boolean"}),
    (
        "CourseMember_Coworker_CoworkerType",
        {"type": "string", "enum": ["1", "2", "Individual", "Company"]},
    ),
    ("CourseMember_UniqueId", {"type": "string", "format": "uuid"}),
    (
        "from_CourseMember_LastAccess",
        {"type": "string", "examples": ["2025-03-10", "2025-03-10T10:30"]},
    ),
    ("to_CourseMember_Id", {"type": "integer", "format": "int64"}),
    ("CourseMember_Coworker_TeamNames", {"type": "string"}),
]


@pytest.mark.parametrize(("name", "schema"), FILTER_SCHEMAS)
def test_a_filter_is_typed_by_its_kind(document, name, schema):
    operation = search_operation(document, REGISTRY["CourseMember"])

    assert parameters(operation)[name]["schema"] == schema


def test_the_largest_page_size_is_the_setting(settings):
    settings.ROSTER_MAX_PAGE_SIZE = 100

    response = Client().get("/api/openapi.json")

    operation = search_operation(response.json(), REGISTRY["Course"])
    assert parameters(operation)["size"]["schema"]["maximum"] == 100


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_bodies_hold_the_writable_fields(document, resource):
    schemas = document["components"]["schemas"]
    writable = [field.key for field in resource.writable]
    required = [field.key for field in resource.writable if field.required]
    kept = [field.key for field in resource.writable if field.required and field.fixed]

    update = schemas[resource.name + "Update"]
    assert list(update["properties"]) == ["Id", *writable]
    assert update["required"] == ["Id"] + [k for k in required if k not in kept]
    if resource.can_create:
        create = schemas[resource.name + "Create"]
        assert list(create["properties"]) == writable
        assert create["required"] == required
    else:
        assert resource.name + "Create" not in schemas


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_body_limits_follow_the_columns(document, resource):
    properties = document["components"]["schemas"][resource.name + "Update"][
        "properties"
    ]
    for field in resource.writable:
        schema = properties[field.key]
        if isinstance(field, f.Text) and field.model_field.max_length:
            assert schema["maxLength"] == field.model_field.max_length, field.key
        elif isinstance(field, f.Reference):
            assert (schema["minimum"], schema["maximum"]) == (1, f.INT64_MAX)
        elif isinstance(field, f.Integer):
            low, high = field.column_range
            assert (schema["minimum"], schema["maximum"]) == (low, high), field.key
        elif isinstance(field, f.Enum):
            numbers, names = schema["oneOf"] if "oneOf" in schema else schema["anyOf"]
            assert numbers["enum"] == list(field.labels), field.key
            assert names["enum"] == list(field.labels.values()), field.key


def test_a_course_section_body_in_full(document):
    create = document["components"]["schemas"]["CourseSectionCreate"]

    assert create["required"] == ["CourseId", "Title", "DisplayOrder"]
    assert create["properties"]["UnlockAfterDays"] == {
        "type": "integer",
        "format": "int32",
        "minimum": 0,
        "maximum": 2**31 - 1,
        "default": 0,
    }
    assert create["properties"]["Title"] == {
        "type": "string",
        "maxLength": 200,
        "minLength": 1,
    }


def test_a_customer_s_email_is_documented_as_an_address(document):
    """The service refuses anything else, so the document must say so."""
    schemas = document["components"]["schemas"]

    for body in ("CoworkerCreate", "CoworkerUpdate"):
        assert schemas[body]["properties"]["Email"] == {
            "type": "string",
            "maxLength": 254,
            "minLength": 1,
            "format": "email",
        }


def test_a_command_s_parameters_are_documented_as_ignored(admin, world, document):
    body = document["components"]["schemas"]["CourseMemberRunCommand"]
    response = admin.post(
        "/api/content/coursemembers/runcommand",
        {"Key": "APPROVE", "Ids": [world.north.member.id], "Parameters": {"a": 1}},
    )

    assert body["properties"]["Parameters"] == {
        "description": "Ignored, whatever it holds: no command takes any."
    }
    assert response.status_code == 200
    assert response.json()["Value"] == [world.north.member.id]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_records_list_every_key_in_order(document, resource):
    schemas = document["components"]["schemas"]
    single = schemas[resource.name]
    listed = resource.list_fields != resource.all_fields
    in_list = schemas[resource.name + "InList"] if listed else single

    assert list(single["properties"]) == [field.key for field in resource.all_fields]
    assert list(in_list["properties"]) == [field.key for field in resource.list_fields]
    assert single["required"] == list(single["properties"])


def test_every_operation_but_the_token_needs_credentials(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "oauth2": {
            "type": "oauth2",
            "flows": {
                "password": {
                    "tokenUrl": "/api/token",
                    "refreshUrl": "/api/token",
                    "scopes": {},
                }
            },
        },
        "bearer": {"type": "http", "scheme": "bearer"},
        "basic": {"type": "http", "scheme": "basic"},
    }
    assert document["security"] == [{"oauth2": []}, {"bearer": []}, {"basic": []}]

    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            effective = operation.get("security", document["security"])
            assert effective == ([] if path == "/api/token" else document["security"])


# Real answers against the documented schemas


@pytest.fixture
def course(north):
    return make_course(north, "Python Basics", visibility=Visibility.PRIVATE)


@pytest.fixture
def member(course, north):
    return enrol(course, make_customer(north, "Ana Smith"))


def test_a_search_fits_its_schema(document, admin, member):
    path = "/api/content/coursemembers"

    response = admin.get(path, {"orderBy": "CoworkerFullName"})

    assert response.status_code == 200
    assert_documented(document, path, "GET", response)
    record = response.json()["Records"][0]
    schema = document["components"]["schemas"]["CourseMember"]
    assert list(record) == list(schema["properties"])


def test_a_batch_get_fits_its_schema(document, admin, member):
    path = "/api/spaces/coworkers"

    response = admin.get(path, {"id": f"[{member.coworker_id}]"})

    assert response.status_code == 200
    assert [record["Id"] for record in response.json()] == [member.coworker_id]
    assert_documented(document, path, "GET", response)


def test_a_get_fits_its_schema(document, admin, member):
    response = admin.get(f"/api/spaces/coworkers/{member.coworker_id}")

    assert response.status_code == 200
    assert_documented(document, "/api/spaces/coworkers/{id}", "GET", response)
    schema = document["components"]["schemas"]["Coworker"]
    assert list(response.json()) == list(schema["properties"])


def test_a_create_and_its_refusal_fit_their_schemas(document, admin, north):
    path = "/api/spaces/coworkers"
    body = {
        "CoworkerType": 1,
        "FullName": "Ana Smith",
        "Email": "ana@example.com",
        "InvoicingBusinessId": north.pk,
    }

    created = send(admin, "POST", path, body)
    refused = send(admin, "POST", path, {**body, "CoworkerType": 7})

    assert created.status_code == 200, created.content
    assert_documented(document, path, "POST", created)
    assert refused.status_code == 400
    assert_documented(document, path, "POST", refused)


def test_an_update_a_delete_and_a_command_fit_their_schemas(
    document, admin, course, member
):
    base = "/api/content/coursemembers"
    record = admin.get(f"{base}/{member.pk}").json()

    updated = send(admin, "PUT", base, {**record, "Approved": True})
    command = send(
        admin, "POST", base + "/runcommand", {"Key": "BLOCK", "Ids": [member.pk]}
    )
    commands = admin.get(base + "/commands")
    deleted = admin.client.delete(f"{base}/{member.pk}", headers=admin.headers)

    assert updated.status_code == 200, updated.content
    assert_documented(document, base, "PUT", updated)
    assert command.status_code == 200, command.content
    assert_documented(document, base + "/runcommand", "POST", command)
    assert commands.status_code == 200
    assert_documented(document, base + "/commands", "GET", commands)
    assert deleted.status_code == 200, deleted.content
    assert_documented(document, base + "/{id}", "DELETE", deleted)


def test_the_error_answers_fit_their_schemas(document, admin, make_api):
    base = "/api/content/courses"
    reader = make_api("reader@example.com", roles=["Course-Read"])

    anonymous = Client().get(base)
    forbidden = reader.get(base)
    missing = admin.get(base + "/999999")
    bad_query = admin.get(base, {"size": "0"})

    assert anonymous.status_code == 401
    assert_documented(document, base, "GET", anonymous)
    assert forbidden.status_code == 403
    assert_documented(document, base, "GET", forbidden)
    assert missing.status_code == 404
    assert_documented(document, base + "/{id}", "GET", missing)
    assert bad_query.status_code == 400
    assert_documented(document, base, "GET", bad_query)


def test_the_throttle_and_the_size_limit_fit_their_schemas(
    document, admin, world, settings
):
    base = "/api/content/courses"
    settings.ROSTER_API_REQUESTS_PER_WINDOW = 1
    admin.get(base)
    throttled = admin.get(base)
    settings.ROSTER_API_REQUESTS_PER_WINDOW = 0
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    too_large = send(admin, "POST", base, {"Title": "x" * 2000})

    assert throttled.status_code == 409
    assert throttled.json() == {"Message": "Too many requests; try again in a moment."}
    assert_documented(document, base, "GET", throttled)
    assert too_large.status_code == 413
    assert_documented(document, base, "POST", too_large)


def test_a_refused_method_fits_the_documented_answer(document, admin):
    response = admin.client.delete("/api/sys/businesses/1", headers=admin.headers)

    assert response.status_code == 405
    answer = document["components"]["responses"]["MethodNotAllowed"]
    schema = resolve(document, answer["content"][JSON]["schema"])
    Draft202012Validator(schema).validate(response.json())


def test_the_token_answers_fit_their_schemas(document, admin_user):
    client = Client()
    granted = post_form(
        client,
        "/api/token",
        {"grant_type": "password", "username": admin_user.email, "password": PASSWORD},
    )
    refused = post_form(client, "/api/token", {"grant_type": "client_credentials"})

    assert granted.status_code == 200
    assert_documented(document, "/api/token", "POST", granted)
    assert refused.status_code == 400
    assert_documented(document, "/api/token", "POST", refused)


# The documentation page


def test_the_documentation_page_shows_the_document_with_its_own_files():
    client = Client()

    page = client.get("/api/docs")

    assert page.status_code == 200
    assert page["Content-Type"] == "text/html; charset=utf-8"
    html = page.content.decode()
    assert 'data-document="/api/openapi.json"' in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) == 3
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert b"".join(response.streaming_content), asset
    assert client.get("/api/docs/").status_code == 200
