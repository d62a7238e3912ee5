"""Every state-changing route refuses a request without a valid CSRF token, JSON ones too.

The routes come from the application's URL map, so a route added later is checked without
anyone remembering to list it. The request is made as a signed-in admin, who may reach
every page: the refusal must come from the missing token, not from a permission.
"""

import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from tests import factories
from tests.conftest import DEFAULT_PASSWORD, csrf_token

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _url(rule: Rule) -> str:
    values = {name: 1 if isinstance(converter, NumberConverter) else "x"
              for name, converter in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


def _unsafe_routes(app) -> list[tuple[str, str, str]]:
    return sorted(
        (rule.endpoint, method, _url(rule))
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & UNSAFE
    )


@pytest.fixture
def admin_client(csrf_app, db):
    factories.make_user("csrf-admin@example.org", "admin")
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": "csrf-admin@example.org",
                                             "password": DEFAULT_PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 302
    return client


def test_the_app_has_state_changing_routes_to_check(csrf_app):
    endpoints = {endpoint for endpoint, _, _ in _unsafe_routes(csrf_app)}
    assert {"accounts.sign_in", "accounts.sign_out", "progress.watch"} <= endpoints


def test_no_state_changing_route_accepts_a_request_without_a_token(csrf_app, admin_client):
    accepted = []
    for endpoint, method, url in _unsafe_routes(csrf_app):
        for headers, data in (({}, {}), ({"X-CSRFToken": "forged"}, {"csrf_token": "forged"})):
            response = admin_client.open(url, method=method, data=data, headers=headers)
            if response.status_code != 400:
                accepted.append((endpoint, method, url, response.status_code))
    assert accepted == []
    # Still signed in: the refusals changed nothing.
    assert admin_client.get("/profile").status_code == 200
