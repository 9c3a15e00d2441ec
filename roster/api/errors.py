"""The error answers of the Nexudus dialect."""

import orjson
from django.conf import settings
from django.http import HttpResponse

from roster.api.kept_records import KeptRecords

DENIED = "Authorization has been denied for this request."


class Problem:
    """One thing wrong with a request, as Nexudus lists it in `Errors`."""

    __slots__ = ("property_name", "attempted_value", "message")

    def __init__(self, property_name, attempted_value, message):
        self.property_name = property_name
        self.attempted_value = attempted_value
        self.message = message

    def labelled(self):
        """`PropertyName: message`, or the message alone for the whole body."""
        if not self.property_name:
            return self.message
        return f"{self.property_name}: {self.message}"

    def as_json(self):
        return {
            "AttemptedValue": self.attempted_value,
            "Message": self.message,
            "PropertyName": self.property_name,
        }


class ApiError(Exception):
    """An answer other than success; views turn it into a response."""

    def response(self):
        raise NotImplementedError


class Invalid(ApiError):
    """HTTP 400 in the shape of a failed mutation, listing every problem."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = list(problems)

    def response(self):
        body = mutation_envelope(
            status=400,
            message=" ".join(p.labelled() for p in self.problems),
            errors=[p.as_json() for p in self.problems],
        )
        return json_response(body, status=400)


class Unauthorized(ApiError):
    def response(self):
        response = json_response({"Message": DENIED}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="Roster", Basic realm="Roster"'
        return response


class Forbidden(ApiError):
    def __init__(self, role):
        super().__init__(role)
        self.role = role

    def response(self):
        message = f"{DENIED} The {self.role} role is required."
        return json_response({"Message": message}, status=403)


class NotFound(ApiError):
    def __init__(self, message="The requested resource was not found."):
        super().__init__(message)
        self.message = message

    def response(self):
        return json_response({"Message": self.message}, status=404)


class TooLarge(ApiError):
    """HTTP 413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def response(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"The body is larger than the {limit} bytes a request may send."
        body = mutation_envelope(
            status=413,
            message=message,
            errors=[Problem("", None, message).as_json()],
        )
        return json_response(body, status=413)


class MethodNotAllowed(ApiError):
    def __init__(self, allowed):
        super().__init__(allowed)
        self.allowed = allowed

    def response(self):
        message = "The requested resource does not support this HTTP method."
        response = json_response({"Message": message}, status=405)
        response["Allow"] = ", ".join(self.allowed)
        return response


def mutation_envelope(
    *, status, message, value=None, updated_on=None, updated_by=None, errors=None
):
    """The body Nexudus answers to a create, update, delete or command."""
    return {
        "Status": status,
        "Message": message,
        "Value": value,
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": None,
        "JavaScript": None,
        "UpdatedOn": updated_on,
        "UpdatedBy": updated_by,
        "Errors": errors,
        "WasSuccessful": 200 <= status < 300,
    }


# Moments as Nexudus writes them: UTC, to the second, with a "Z".
JSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC | orjson.OPT_OMIT_MICROSECONDS


def json_response(body, status=200):
    return HttpResponse(
        orjson.dumps(body, default=_written, option=JSON_OPTIONS),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _written(value):
    """Records the database has already written as JSON, as they are."""
    if isinstance(value, KeptRecords):
        return value.fragment()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
