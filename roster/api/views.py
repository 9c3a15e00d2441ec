"""The HTTP face of every resource: authenticate, authorise, answer.

Each resource gets the same five paths; what differs between resources is
in their declarations. Views read and check the request, call the
resource's write (a service function of its domain) and answer in the
Nexudus envelopes.
"""

import datetime as dt
import logging

import orjson
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from roster.accounts.authentication import AuthenticationFailed, authenticate
from roster.api import throttling
from roster.api.errors import (
    ApiError,
    Forbidden,
    Invalid,
    MethodNotAllowed,
    NotFound,
    Problem,
    TooLarge,
    Unauthorized,
    json_response,
    mutation_envelope,
)
from roster.api.fields import record_id, whole_number
from roster.api.openapi import document_json
from roster.api.search import given_twice, search
from roster.api.writes import check_references, read_ids, read_json, read_values
from roster.core.errors import RuleBroken

logger = logging.getLogger(__name__)

PAST = {"create": "created", "update": "updated", "delete": "deleted"}


def _principal(request, resource, action):
    try:
        principal = authenticate(request)
    except AuthenticationFailed:
        raise Unauthorized from None
    role = resource.role(action)
    if not principal.has_role(role):
        raise Forbidden(role)
    return principal


def answer(request, run):
    """Throttle, then `run()`; every refusal becomes its answer in the
    contract's shape, never a 500."""
    try:
        throttling.check(request)
        return _retrying(run)
    except RequestDataTooBig:
        return TooLarge().response()
    except SuspiciousOperation as error:
        # Too many parameters, a malformed multipart body and such.
        return Invalid([Problem("", None, str(error))]).response()
    except RuleBroken as broken:
        problem = Problem(broken.property_name, broken.attempted_value, broken.message)
        return Invalid([problem]).response()
    except ApiError as error:
        return error.response()


# A serialisation failure or a deadlock: PostgreSQL rolled the transaction
# back, and running it again is what the client would have to do.
RETRIED = {"40001", "40P01"}
ATTEMPTS = 3


def _retrying(run):
    """`run()`, again when PostgreSQL refused its transaction for a conflict
    with another one; every write is one transaction of a service function,
    so nothing of a refused attempt remains."""
    # TODO: the Admin Panel and the portal call the services without this;
    # move it into the services' transactions once either meets a conflict.
    for attempt in range(ATTEMPTS):
        try:
            return run()
        except OperationalError as error:
            conflict = getattr(error.__cause__, "sqlstate", None) in RETRIED
            # Inside a transaction of its own caller, nothing was rolled back.
            if not conflict or connection.in_atomic_block or attempt == ATTEMPTS - 1:
                raise
            logger.info("Running a request again after %s", error.__cause__.sqlstate)


def endpoint(methods):
    """Route by method, turning ApiError and RuleBroken into answers."""

    def wrap(view_of):
        def build(resource):
            handlers = view_of(resource)
            allowed = [m for m in methods if m in handlers]

            @csrf_exempt
            def view(request, **kwargs):
                def run():
                    handler = handlers.get(request.method)
                    if handler is None:
                        raise MethodNotAllowed(allowed)
                    return handler(request, **kwargs)

                return answer(request, run)

            return view

        return build

    return wrap


@endpoint(["GET", "POST", "PUT"])
def collection(resource):
    """`/api/{area}/{plural}`: search, batch get, create, update."""

    def get(request):
        ids = _id_values(request.GET)
        if ids:
            principal = _principal(request, resource, "Read")
            return json_response(_batch(resource, principal, ids))
        principal = _principal(request, resource, "List")
        return json_response(search(resource, principal, request.GET))

    def post(request):
        principal = _principal(request, resource, "Create")
        values = read_values(resource, read_json(request))
        check_references(resource, principal, values)
        record = resource.create(values, principal.user.email)
        return _done(resource, "create", record, principal)

    def put(request):
        principal = _principal(request, resource, "Edit")
        body = read_json(request)
        with transaction.atomic():
            record = _locked(resource, principal, _body_id(body))
            values = read_values(resource, body, record)
            check_references(resource, principal, values)
            record = resource.update(record, values, principal.user.email)
        return _done(resource, "update", record, principal)

    handlers = {"GET": get, "PUT": put}
    if resource.can_create:
        handlers["POST"] = post
    return handlers


@endpoint(["GET", "DELETE"])
def item(resource):
    """`/api/{area}/{plural}/{id}`: get one, delete."""

    def get(request, pk):
        principal = _principal(request, resource, "Read")
        rows = list(_visible(resource, principal, pk).values(*resource.columns))
        if not rows:
            raise NotFound
        return json_response(resource.render(rows, single=True)[0])

    def delete(request, pk):
        principal = _principal(request, resource, "Delete")
        with transaction.atomic():
            record = _locked(resource, principal, pk)
            resource.delete(record, principal.user.email)
        return _done(resource, "delete", None, principal, record_id=int(pk))

    handlers = {"GET": get}
    if resource.can_delete:
        handlers["DELETE"] = delete
    return handlers


@endpoint(["GET"])
def commands(resource):
    """`/api/{area}/{plural}/commands`: the commands `runcommand` takes."""

    def get(request):
        _principal(request, resource, "List")
        listing = [
            {"Key": command.key, "Name": command.name} for command in resource.commands
        ]
        return json_response(listing)

    return {"GET": get}


@endpoint(["POST"])
def run_command(resource):
    """`/api/{area}/{plural}/runcommand`: one command on many records."""

    def post(request):
        principal = _principal(request, resource, "Edit")
        body = read_json(request)
        key, raw_ids = body.get("key", ("Key", None)), body.get("ids", ("Ids", None))
        command = resource.command_map.get(str(key[1]).upper())
        if command is None:
            names = ", ".join(resource.command_map) or "none"
            message = f"Key must name a command of {resource.name}: {names}."
            raise Invalid([Problem("Key", key[1], message)])
        ids = read_ids(raw_ids[1], "Ids")
        with transaction.atomic():
            records = list(
                resource.queryset(principal).filter(pk__in=ids).select_for_update()
            )
            missing = sorted(set(ids) - {record.pk for record in records})
            if missing:
                message = f"Ids must be ids of existing {resource.name} records."
                raise Invalid([Problem("Ids", missing, message)])
            command.run(records, principal.user.email)
        body = mutation_envelope(
            status=200,
            message="The command was run correctly.",
            value=ids,
            updated_on=_moment(None),
            updated_by=principal.user.email,
        )
        return json_response(body)

    return {"POST": post}


def _visible(resource, principal, pk):
    """The record with this id, if the principal may see it."""
    number = record_id(pk)
    if number is None:
        return resource.model.objects.none()
    return resource.queryset(principal).filter(pk=number)


def _locked(resource, principal, pk):
    record = _visible(resource, principal, str(pk)).select_for_update().first()
    if record is None:
        raise NotFound
    return record


def _body_id(body):
    name, raw = body.get("id", ("Id", None))
    number = whole_number(raw)
    if number is None or number < 1:
        message = "Id must be the whole-number id of the record to update."
        raise Invalid([Problem(name, raw, message)])
    return number


def _id_values(params):
    """The `id` parameter's values that are not empty, its name in any case."""
    return [
        (name, raw.strip())
        for name, raws in params.lists()
        if name.lower() == "id"
        for raw in raws
        if raw.strip()
    ]


def _batch(resource, principal, ids):
    """`?id=[1,2,3]`: the records the principal may see, as a bare array."""
    if len(ids) > 1:
        raise Invalid([given_twice(*ids[1])])
    [(_name, raw)] = ids
    try:
        ids = orjson.loads(raw if raw.startswith("[") else f"[{raw}]")
    except orjson.JSONDecodeError:
        ids = None
    ids = read_ids(ids, "id")
    rows = list(
        resource.queryset(principal)
        .filter(pk__in=ids)
        .order_by("id")
        .values(*resource.columns)
    )
    return resource.render(rows)


def _moment(value):
    value = value or dt.datetime.now(dt.UTC)
    return f"{value.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"


def _done(resource, action, record, principal, record_id=None):
    body = mutation_envelope(
        status=200,
        message=f"{resource.name} was successfully {PAST[action]}.",
        value={"Id": record_id or record.pk},
        updated_on=_moment(record.updated_on if record else None),
        updated_by=principal.user.email,
    )
    return json_response(body)


@csrf_exempt
def openapi_document(request):
    """`/api/openapi.json`: the OpenAPI document, readable without credentials."""
    if request.method not in ("GET", "HEAD"):
        return MethodNotAllowed(["GET"]).response()
    return HttpResponse(document_json(), content_type="application/json; charset=utf-8")


@csrf_exempt
def docs(request):
    """`/api/docs`: the OpenAPI document rendered as a page to read and try."""
    if request.method not in ("GET", "HEAD"):
        return MethodNotAllowed(["GET"]).response()
    return render(request, "api/docs.html", {"document": reverse("openapi")})


def bad_request(request, exception=None):
    """A request refused before any view read it, such as one whose Host
    header names no host this server answers for: under `/api/` in the
    API's shape, elsewhere as Django's page."""
    path = request.path.lower().lstrip("/")
    if path != "api" and not path.startswith("api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        message = "The Host header names no host this server answers for."
        problem = Problem("Host", None, message)
    else:
        problem = Problem("", None, str(exception) or "The request is malformed.")
    if path.rstrip("/") == "api/token":
        body = {"error": "invalid_request", "error_description": problem.labelled()}
        return json_response(body, status=400)
    return Invalid([problem]).response()


def not_found(request, exception=None):
    return NotFound().response()


def server_error(request):
    """An unexpected fault: logged by Django, answered in the API's shape."""
    message = "An error has occurred."
    return json_response({"Message": message}, status=500)
