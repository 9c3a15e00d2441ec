"""Reading create, update and command bodies against a declaration.

Bodies are read strictly: each writable field takes only the JSON values of
its kind, property names are matched without regard to case, and keys that
are read-only, derived or unknown are ignored, because real clients send
back whole records. Every problem is collected, so one answer lists them
all.
"""

import orjson

from roster.api.errors import Invalid, Problem
from roster.api.fields import INT64_MAX, MAX_IDS, BadValue, whole_number
from roster.api.resources import REGISTRY

JSON_TYPES = ("application/json", "text/json")


def read_json(request):
    """The JSON object of a request's body; raise Invalid when it is none."""
    if request.content_type not in JSON_TYPES and not request.content_type.endswith(
        "+json"
    ):
        message = "The body must be JSON, sent as Content-Type: application/json."
        raise Invalid([Problem("", request.content_type, message)])
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError as error:
        message = f"The body is not valid JSON: {error.msg}."
        raise Invalid([Problem("", None, message)]) from None
    if not isinstance(body, dict):
        raise Invalid([Problem("", None, "The body must be a JSON object.")])
    return {str(key).lower(): (key, value) for key, value in body.items()}


def read_values(resource, body, record=None):
    """Map a body onto the record's writable attributes; raise Invalid.

    On create (`record` None) a required field must be given. On update
    every writable field is replaced: one left out takes its default, and a
    fixed field left out keeps its value; a fixed field cannot change.
    """
    values, problems = {}, []
    for field in resource.writable:
        given = body.get(field.key.lower())
        try:
            values[field.source] = _value(field, given, record)
        except BadValue as error:
            name, raw = given or (field.key, None)
            problems.append(Problem(name, raw, f"{field.key} {error}"))
    if problems:
        raise Invalid(problems)
    return values


def _value(field, given, record):
    if given is None:
        if field.required and (record is None or not field.fixed):
            raise BadValue("is required.")
        if record is not None and field.fixed:
            return getattr(record, field.model_field.attname)
        return field.default()
    value = field.read(given[1])
    if record is not None and field.fixed:
        current = getattr(record, field.model_field.attname)
        if value != current:
            raise BadValue("cannot change after the record is created.")
    return value


def check_references(resource, principal, values):
    """Every id written must name a record the caller may see, of one business.

    The record's business is that of its owner reference; a reference to a
    record of another business is refused exactly like one that does not
    exist for the caller.
    """
    found, problems = {}, []
    for field in resource.references:
        ids = field.ids(values[field.source])
        target = REGISTRY[field.target]
        businesses = dict(
            target.queryset(principal)
            .filter(pk__in=ids)
            .values_list("pk", target.business)
        )
        missing = [i for i in ids if i not in businesses]
        if missing:
            message = f"{field.key} must be the id of an existing {target.name}."
            problems.append(Problem(field.key, _shown(values, field), message))
        found[field] = businesses
    if problems:
        raise Invalid(problems)
    _check_one_business(resource, values, found)


def _check_one_business(resource, values, found):
    owners = [field for field in found if field.name == resource.owner]
    if not owners:
        return
    owner = owners[0]
    business = next(iter(found[owner].values()), None)
    problems = []
    for field, businesses in found.items():
        if field is owner or all(b == business for b in businesses.values()):
            continue
        target = REGISTRY[field.target].name
        message = f"{field.key} must be the id of a {target} of the same business."
        problems.append(Problem(field.key, _shown(values, field), message))
    if problems:
        raise Invalid(problems)


def _shown(values, field):
    return values[field.source]


def read_ids(raw, name):
    """Read up to MAX_IDS whole-number ids from a JSON list; raise Invalid."""
    message = f"{name} must be a list of at most {MAX_IDS} whole-number ids."
    if not isinstance(raw, list) or len(raw) > MAX_IDS:
        raise Invalid([Problem(name, None, message)])
    ids = [whole_number(item) for item in raw]
    if any(i is None or not 1 <= i <= INT64_MAX for i in ids):
        raise Invalid([Problem(name, None, message)])
    return list(dict.fromkeys(ids))
