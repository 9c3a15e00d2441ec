"""`POST /api/token`: the edges of the token endpoint."""

import pytest
from django.test import Client


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_another_method_is_refused_in_the_contract_shape(method):
    response = Client().generic(method, "/api/token")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "Message": "The requested resource does not support this HTTP method."
    }
