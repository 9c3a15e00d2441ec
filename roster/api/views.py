"""The HTTP face of every resource: authenticate, authorise, answer."""

from django.http import HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from roster.accounts.authentication import AuthenticationFailed, authenticate
from roster.api.errors import ApiError, Forbidden, NotFound, Unauthorized, json_response
from roster.api.search import search


def _principal(request, resource, action):
    try:
        principal = authenticate(request)
    except AuthenticationFailed:
        raise Unauthorized from None
    role = resource.role(action)
    if not principal.has_role(role):
        raise Forbidden(role)
    return principal


def collection(resource):
    """The view of `/api/{area}/{plural}`."""

    @csrf_exempt
    def view(request):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        try:
            principal = _principal(request, resource, "List")
            return json_response(search(resource, principal, request.GET))
        except ApiError as error:
            return error.response()

    return view


def not_found(request, exception=None):
    return NotFound().response()
