import json
from urllib.parse import urlencode

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from roster.accounts.models import CLIENT_ID_LENGTH
from roster.accounts.oauth import Validator, token_server
from roster.api.errors import MethodNotAllowed

FORM = "application/x-www-form-urlencoded"
UNSUPPORTED = "grant_type must be password or refresh_token."
REFUSED = {
    "password": "The user name or password is incorrect.",
    "refresh_token": "The refresh token is not valid, has expired or was used.",
}
THROTTLED = "Too many failed sign-in attempts; try again later."
BAD_CLIENT = f"client_id must be at most {CLIENT_ID_LENGTH} printable characters."


def _error(error, description):
    body = {"error": error, "error_description": description}
    return JsonResponse(body, status=400, headers={"Cache-Control": "no-store"})


def _storable(client_id):
    # The tokens' column holds CLIENT_ID_LENGTH characters, and PostgreSQL
    # refuses NUL; other control characters are refused with it.
    return len(client_id) <= CLIENT_ID_LENGTH and client_id.isprintable()


@csrf_exempt
def token(request):
    """`POST /api/token`: the password and refresh-token grants.

    oauthlib runs the grant; the answer is reshaped to the contract, which
    names only three errors and never says why a password was refused.
    """
    if request.method != "POST":
        return MethodNotAllowed(["POST"]).response()
    form = request.POST.copy()
    grant = form.get("grant_type")
    if request.content_type != FORM or grant not in REFUSED:
        return _error("unsupported_grant_type", UNSUPPORTED)
    if "client_id" not in form and request.headers.get("client_id"):
        form["client_id"] = request.headers["client_id"]
    if not all(_storable(client_id) for client_id in form.getlist("client_id")):
        return _error("invalid_grant", BAD_CLIENT)

    validator = Validator(request)
    _headers, body, status = token_server(validator).create_token_response(
        request.build_absolute_uri(), "POST", urlencode(form, doseq=True), {}
    )

    answer = json.loads(body)
    if status == 200:
        return JsonResponse(
            {
                "access_token": answer["access_token"],
                "token_type": "bearer",
                "expires_in": answer["expires_in"],
                "refresh_token": answer["refresh_token"],
            },
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )
    if answer.get("error") == "two_factor_auth_check":
        return _error("two_factor_auth_check", answer["error_description"])
    return _error("invalid_grant", THROTTLED if validator.throttled else REFUSED[grant])
