"""The OpenAPI document of the API, derived from the resource declarations.

Every path, parameter and schema comes from REGISTRY and the field kinds:
a resource or a field is documented by being declared, and the document
cannot drift from what the views answer. It depends only on the
declarations and the settings, so each process builds it once.
"""

import functools
from importlib.metadata import version

import orjson
from django.conf import settings

from roster.api import fields as f
from roster.api.errors import DENIED
from roster.api.resources import REGISTRY

OPENAPI = "3.1.0"
REF = "#/components/schemas/"
INT64 = {"type": "integer", "format": "int64"}
ID = {**INT64, "minimum": 1, "maximum": f.INT64_MAX}
MOMENT = {"type": "string", "format": "date-time"}
SECURITY = [{"oauth2": []}, {"bearer": []}, {"basic": []}]

DESCRIPTION = """\
Roster speaks the Nexudus REST dialect of the Courses module.

Query parameter and property names are matched without regard to case; a
trailing slash on any path is accepted; an empty filter value is ignored;
unknown parameters and read-only or unknown body properties are ignored.
Every call but `POST /api/token` takes a bearer token from that endpoint
or HTTP Basic credentials (email and password). A method a path does not
support answers 405 with an `Error` body and an `Allow` header.
"""


def document_json():
    """The document as JSON bytes, built once per process and settings."""
    return _encoded(settings.ROSTER_MAX_PAGE_SIZE)


@functools.cache
def _encoded(max_page_size):
    return orjson.dumps(build(max_page_size))


def build(max_page_size):
    """The OpenAPI document of every registered resource and the token."""
    paths = {"/api/token": _token_path()}
    schemas = _shared_schemas()
    for resource in REGISTRY.values():
        paths.update(_resource_paths(resource, max_page_size))
        schemas.update(_resource_schemas(resource, max_page_size))
    return {
        "openapi": OPENAPI,
        "info": {
            "title": "Roster API",
            "version": version("roster"),
            "description": DESCRIPTION,
        },
        "tags": [
            {"name": "Authentication"},
            *({"name": resource.name} for resource in REGISTRY.values()),
        ],
        "security": SECURITY,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _shared_responses(),
            "securitySchemes": _security_schemes(),
        },
    }


def _ref(name):
    return {"$ref": REF + name}


def _object(properties, required=None, *, closed=True, **extra):
    schema = {"type": "object", "properties": properties}
    schema["required"] = list(properties) if required is None else required
    if closed:
        schema["additionalProperties"] = False
    return {**schema, **extra}


def _or_null(schema):
    if "type" in schema and "enum" not in schema and "const" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _json(schema, description):
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


# The model columns behind a field


def _columns(model, source):
    """The model fields along a Django path such as `coworker__full_name`."""
    columns = []
    for name in source.split("__"):
        column = model._meta.get_field(name)
        columns.append(column)
        model = column.related_model
    return columns


def _column_schema(column):
    """The JSON schema of what a model column holds."""
    column = getattr(column, "target_field", column)
    kind = column.get_internal_type()
    if kind in f.COLUMN_RANGES:
        low, high = f.COLUMN_RANGES[kind]
        width = "int32" if low >= f.INT32_MIN and high <= f.INT32_MAX else "int64"
        return {"type": "integer", "format": width}
    return {
        "BooleanField": {"type": "boolean"},
        "DateTimeField": MOMENT,
        "UUIDField": {"type": "string", "format": "uuid"},
    }.get(kind, {"type": "string"})


# Records as the API writes them out


def _may_be_null(model, field, schema):
    """Null when the column, or a relation on the way to it, may be null."""
    if any(column.null for column in _columns(model, field.source)):
        return _or_null(schema)
    return schema


@functools.singledispatch
def _value(field, model):
    """The schema of a field's value in a record."""
    schema = _column_schema(_columns(model, field.source)[-1])
    return _may_be_null(model, field, schema)


@_value.register
def _(field: f.Enum, model):
    schema = {"type": "string", "enum": list(field.labels.values())}
    return _may_be_null(model, field, schema)


@_value.register
def _(field: f.Constant, model):
    if field.value is None:
        return {"type": "null"}
    return {"type": "boolean", "const": field.value}


@_value.register
def _(field: f.Label, model):
    return {"type": "string"}


@_value.register
def _(field: f.TeamNames, model):
    return {
        "type": ["string", "null"],
        "description": "Team names, sorted and joined with `, `; null for none.",
    }


@_value.register
def _(field: f.IdList, model):
    return {"type": "array", "items": ID, "description": f"Ids of {field.target}."}


def _record(resource, fields):
    properties = {field.key: _value(field, resource.model) for field in fields}
    return _object(properties)


# Filters and ranges of the search


@functools.singledispatch
def _filter(field):
    """The schema and the matching rule of `{Entity}_{Field}`."""
    return {"type": "string"}, "Equal to the value."


@_filter.register
def _(field: f.Integer):
    return INT64, "Equal to the number."


@_filter.register
def _(field: f.Reference):
    return INT64, f"Equal to the id of the {field.target}."


@_filter.register
def _(field: f.Text):
    return {"type": "string"}, "Contains the text, ignoring case."


@_filter.register
def _(field: f.Boolean):
    return {"type": "boolean"}, "true, false, 1 or 0, in any case."


@_filter.register
def _(field: f.Enum):
    names = [str(number) for number in field.labels]
    schema = {"type": "string", "enum": [*names, *field.labels.values()]}
    return schema, f"The number or the name, in any case: {field.accepts}."


@_filter.register
def _(field: f.Uuid):
    return {"type": "string", "format": "uuid"}, "Equal to the GUID."


@_filter.register
def _(field: f.DateTime):
    schema = {"type": "string", "examples": ["2025-03-10", "2025-03-10T10:30"]}
    return schema, f"Within the day, minute or second given: {field.accepts}."


@_filter.register
def _(field: f.TeamNames):
    rule = (
        "A comma-separated list: the customer belongs to a team whose name "
        "contains one of the items, ignoring case."
    )
    return {"type": "string"}, rule


def _query(name, schema, description):
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _search_parameters(resource, max_page_size):
    orderings = [field.key for field in resource.orderings.values()]
    parameters = [
        _query("page", {**INT64, "minimum": 1, "default": 1}, "The page, from 1."),
        _query(
            "size",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": max_page_size,
                "default": min(25, max_page_size),
            },
            "The number of records per page.",
        ),
        _query(
            "orderBy",
            {"type": "string", "enum": orderings, "default": "Id"},
            "The property to sort on, then Id in the same direction.",
        ),
        _query(
            "dir",
            {"type": "integer", "enum": [1, -1, 0], "default": 1},
            "1 ascending (nulls first), -1 descending (nulls last); 0 is 1.",
        ),
    ]
    for field in resource.filters.values():
        schema, rule = _filter(field)
        parameters.append(_query(_filter_name(resource, field), schema, rule))
    for field in resource.ranges.values():
        schema, _rule = _filter(field)
        name = _filter_name(resource, field)
        parameters.append(_query("from_" + name, schema, "At least, inclusive."))
        parameters.append(
            _query("to_" + name, schema, "At most, inclusive at the precision given.")
        )
    parameters.append(
        _query(
            "id",
            {"type": "string", "examples": ["[1,2,3]"]},
            f"A JSON list of at most {f.MAX_IDS} ids: answer those records as a "
            f"bare array instead of searching (needs {resource.role('Read')}).",
        )
    )
    return parameters


def _filter_name(resource, field):
    return f"{resource.name}_{field.filter_suffix}"


# Bodies of create and update


@functools.singledispatch
def _writable(field):
    """The schema of a value a create or update may give a field."""
    return {}


@_writable.register
def _(field: f.Integer):
    low, high = field.column_range
    return {**_column_schema(field.model_field), "minimum": low, "maximum": high}


@_writable.register
def _(field: f.Reference):
    return {**ID, "description": f"The id of a {field.target}."}


@_writable.register
def _(field: f.Text):
    schema = {"type": "string"}
    if field.model_field.max_length:
        schema["maxLength"] = field.model_field.max_length
    if field.required:
        schema["minLength"] = 1
    return schema


@_writable.register
def _(field: f.Email):
    return {**_writable.dispatch(f.Text)(field), "format": "email"}


@_writable.register
def _(field: f.Boolean):
    return {"type": "boolean"}


@_writable.register
def _(field: f.Enum):
    return {
        "oneOf": [
            {"type": "integer", "enum": list(field.labels)},
            {"type": "string", "enum": list(field.labels.values())},
        ],
        "description": f"The number or the name: {field.accepts}.",
    }


@_writable.register
def _(field: f.IdList):
    return {
        "type": "array",
        "items": ID,
        "maxItems": f.MAX_IDS,
        "description": f"Ids of {field.target}; replaces the whole list.",
    }


def _input(field, *, update):
    schema = _writable(field)
    try:
        field.read(None)
    except f.BadValue:
        pass
    else:
        schema = _or_null(schema)
    if not field.required:
        default = field.default()
        if default is None or isinstance(default, bool | int | str | list):
            schema["default"] = default
    if field.fixed:
        note = "Cannot change after the record is created"
        note += "; left out, it keeps its value." if update else "."
        schema["description"] = " ".join(
            filter(None, [schema.get("description"), note])
        )
    return schema


def _create_body(resource):
    properties = {field.key: _input(field, update=False) for field in resource.writable}
    required = [field.key for field in resource.writable if field.required]
    return _object(properties, required, closed=False)


def _update_body(resource):
    properties = {"Id": {**ID, "description": "The record to update."}}
    for field in resource.writable:
        properties[field.key] = _input(field, update=True)
    required = ["Id"]
    required += [
        field.key for field in resource.writable if field.required and not field.fixed
    ]
    return _object(
        properties,
        required,
        closed=False,
        description="Replaces every writable property: one left out gets its default.",
    )


def _command_body(resource):
    key = {"type": "string", "description": "Matched without regard to case."}
    if resource.commands:
        key["enum"] = [command.key for command in resource.commands]
    properties = {
        "Key": key,
        "Ids": {"type": "array", "items": ID, "maxItems": f.MAX_IDS},
        "Parameters": {
            "description": "Ignored, whatever it holds: no command takes any."
        },
    }
    return _object(properties, ["Key", "Ids"], closed=False)


# Envelopes


def _page(resource, max_page_size):
    count = {"type": "integer", "minimum": 0}
    number = {**INT64, "minimum": 1}
    size = {"type": "integer", "minimum": 1, "maximum": max_page_size}
    orderings = [field.key for field in resource.orderings.values()]
    return _object(
        {
            "Records": {"type": "array", "items": _ref(_list_name(resource))},
            "CurrentPageSize": size,
            "CurrentPage": number,
            "CurrentOrderField": {"type": "string", "enum": orderings},
            "CurrentSortDirection": {"type": "integer", "enum": [1, -1]},
            "FirstItem": count,
            "HasNextPage": {"type": "boolean"},
            "HasPreviousPage": {"type": "boolean"},
            "LastItem": count,
            "PageNumber": number,
            "PageSize": size,
            "TotalItems": count,
            "TotalPages": count,
        }
    )


def _mutation(status, value, updated_on, updated_by, errors):
    return _object(
        {
            "Status": {"type": "integer", "const": status},
            "Message": {"type": "string"},
            "Value": value,
            "OpenInDialog": {"type": "boolean", "const": False},
            "OpenInWindow": {"type": "boolean", "const": False},
            "RedirectURL": {"type": "null"},
            "JavaScript": {"type": "null"},
            "UpdatedOn": updated_on,
            "UpdatedBy": updated_by,
            "Errors": errors,
            "WasSuccessful": {"type": "boolean", "const": status == 200},
        }
    )


def _shared_schemas():
    email = {"type": "string"}
    return {
        "Error": _object({"Message": {"type": "string"}}),
        "Problem": _object(
            {
                "AttemptedValue": {"description": "The value given, if any."},
                "Message": {"type": "string"},
                "PropertyName": {"type": "string"},
            }
        ),
        "Invalid": _mutation(
            400,
            {"type": "null"},
            {"type": "null"},
            {"type": "null"},
            {"type": "array", "items": _ref("Problem"), "minItems": 1},
        ),
        "TooLarge": _mutation(
            413,
            {"type": "null"},
            {"type": "null"},
            {"type": "null"},
            {"type": "array", "items": _ref("Problem"), "minItems": 1},
        ),
        "Done": _mutation(200, _object({"Id": ID}), MOMENT, email, {"type": "null"}),
        "CommandDone": _mutation(
            200, {"type": "array", "items": ID}, MOMENT, email, {"type": "null"}
        ),
        "Command": _object({"Key": {"type": "string"}, "Name": {"type": "string"}}),
        **_token_schemas(),
    }


def _list_name(resource):
    """Records in lists lack the single-record lists, such as `Teams`."""
    if resource.list_fields == resource.all_fields:
        return resource.name
    return resource.name + "InList"


def _resource_schemas(resource, max_page_size):
    schemas = {resource.name: _record(resource, resource.all_fields)}
    if _list_name(resource) != resource.name:
        schemas[_list_name(resource)] = _record(resource, resource.list_fields)
    schemas[resource.name + "Page"] = _page(resource, max_page_size)
    if resource.can_create:
        schemas[resource.name + "Create"] = _create_body(resource)
    schemas[resource.name + "Update"] = _update_body(resource)
    schemas[resource.name + "RunCommand"] = _command_body(resource)
    return schemas


def _shared_responses():
    return {
        "Invalid": _json(_ref("Invalid"), "Invalid: every problem is in Errors."),
        "Unauthorized": {
            **_json(_ref("Error"), f"No credentials, or bad ones: {DENIED}"),
            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        },
        "Forbidden": _json(_ref("Error"), "The credentials lack the role named."),
        "NotFound": _json(_ref("Error"), "No such record for these credentials."),
        "Throttled": {
            **_json(_ref("Error"), "Too many requests from this address."),
            "headers": {
                "Retry-After": {
                    "schema": {"type": "integer", "minimum": 1},
                    "description": "The seconds until the window ends.",
                }
            },
        },
        "TooLarge": _json(_ref("TooLarge"), "The body is over the size limit."),
        "MethodNotAllowed": {
            **_json(_ref("Error"), "The path does not support this method."),
            "headers": {"Allow": {"schema": {"type": "string"}}},
        },
    }


def _errors(*statuses):
    names = {
        "400": "Invalid",
        "401": "Unauthorized",
        "403": "Forbidden",
        "404": "NotFound",
        "409": "Throttled",
        "413": "TooLarge",
    }
    return {
        status: {"$ref": "#/components/responses/" + names[status]}
        for status in statuses
    }


# Paths


def _operation(resource, name, action, summary, responses, **extra):
    """An operation of a resource; every one is throttled, bodies are bounded,
    and any can be refused before it is read (a Host header of another
    server)."""
    limits = ("400", "409", "413") if "requestBody" in extra else ("400", "409")
    responses = {**responses, **_errors(*limits)}
    return {
        "tags": [resource.name],
        "operationId": name + resource.name,
        "summary": summary,
        "description": f"Needs the {resource.role(action)} role.",
        **extra,
        "responses": responses,
    }


def _body(schema_name):
    return {
        "required": True,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


def _resource_paths(resource, max_page_size):
    base = "/api/" + resource.path
    return {
        base: _collection(resource, max_page_size),
        base + "/{id}": _item(resource),
        base + "/commands": _commands(resource),
        base + "/runcommand": _run_command(resource),
    }


def _collection(resource, max_page_size):
    name = resource.name
    done = _json(_ref("Done"), "Done.")
    found = {
        "oneOf": [
            _ref(name + "Page"),
            {"type": "array", "items": _ref(_list_name(resource))},
        ]
    }
    operations = {
        "get": _operation(
            resource,
            "search",
            "List",
            f"Search {name} records, or get several by id",
            {
                "200": _json(found, "A page, or with `id` a bare array."),
                **_errors("400", "401", "403"),
            },
            parameters=_search_parameters(resource, max_page_size),
        ),
    }
    if resource.can_create:
        operations["post"] = _operation(
            resource,
            "create",
            "Create",
            f"Create a {name}",
            {"200": done, **_errors("400", "401", "403")},
            requestBody=_body(name + "Create"),
        )
    operations["put"] = _operation(
        resource,
        "update",
        "Edit",
        f"Update a {name}",
        {"200": done, **_errors("400", "401", "403", "404")},
        requestBody=_body(name + "Update"),
    )
    return operations


def _item(resource):
    name = resource.name
    operations = {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": ID}],
        "get": _operation(
            resource,
            "get",
            "Read",
            f"Get one {name}",
            {"200": _json(_ref(name), f"The {name}."), **_errors("401", "403", "404")},
        ),
    }
    if resource.can_delete:
        operations["delete"] = _operation(
            resource,
            "delete",
            "Delete",
            f"Delete a {name}",
            {
                "200": _json(_ref("Done"), "Done."),
                **_errors("400", "401", "403", "404"),
            },
        )
    return operations


def _commands(resource):
    listing = {"type": "array", "items": _ref("Command")}
    return {
        "get": _operation(
            resource,
            "listCommandsOf",
            "List",
            f"The commands of {resource.name}",
            {"200": _json(listing, "The commands."), **_errors("401", "403")},
        )
    }


def _run_command(resource):
    return {
        "post": _operation(
            resource,
            "runCommandOn",
            "Edit",
            f"Run a command on some {resource.name} records, in one transaction",
            {
                "200": _json(_ref("CommandDone"), "Done."),
                **_errors("400", "401", "403"),
            },
            requestBody=_body(resource.name + "RunCommand"),
        )
    }


# The token endpoint and the security schemes


def _token_schemas():
    return {
        "TokenRequest": _object(
            {
                "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
                "username": {
                    "type": "string",
                    "description": "The account's email, with the password grant.",
                },
                "password": {"type": "string", "format": "password"},
                "totp": {
                    "type": "string",
                    "description": "The one-time code, for accounts with two factors.",
                },
                "refresh_token": {
                    "type": "string",
                    "description": "The refresh token, with the refresh_token grant.",
                },
                "client_id": {
                    "type": "string",
                    "description": "Optional with a password; must match on refresh.",
                },
            },
            ["grant_type"],
            closed=False,
        ),
        "Token": _object(
            {
                "access_token": {"type": "string"},
                "token_type": {"type": "string", "const": "bearer"},
                "expires_in": {"type": "integer", "minimum": 0},
                "refresh_token": {"type": "string"},
            }
        ),
        "TokenError": _object(
            {
                "error": {
                    "type": "string",
                    "enum": [
                        "unsupported_grant_type",
                        "invalid_grant",
                        "two_factor_auth_check",
                        "invalid_request",
                    ],
                },
                "error_description": {"type": "string"},
            }
        ),
    }


def _token_path():
    form = "application/x-www-form-urlencoded"
    return {
        "post": {
            "tags": ["Authentication"],
            "operationId": "getToken",
            "summary": "Get a token: the password and refresh-token grants",
            "security": [],
            "parameters": [
                {
                    "name": "client_id",
                    "in": "header",
                    "schema": {"type": "string"},
                    "description": "May stand in for the form field.",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {form: {"schema": _ref("TokenRequest")}},
            },
            "responses": {
                "200": _json(_ref("Token"), "A bearer token and a refresh token."),
                "400": _json(_ref("TokenError"), "Refused."),
            },
        }
    }


def _security_schemes():
    flow = {"tokenUrl": "/api/token", "refreshUrl": "/api/token", "scopes": {}}
    return {
        "oauth2": {"type": "oauth2", "flows": {"password": flow}},
        "bearer": {"type": "http", "scheme": "bearer"},
        "basic": {"type": "http", "scheme": "basic"},
    }
