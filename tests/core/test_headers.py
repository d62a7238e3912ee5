"""Headers every response carries, and the session cookie, as shipped."""

import pytest
from flask import Flask

from learning import create_app
from learning.config import TestingConfig
from learning.database import db
from tests import factories
from tests.conftest import DEFAULT_PASSWORD


def _policy(response) -> dict[str, list[str]]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return {name: values for name, *values in (d.split() for d in directives if d.strip())}


def test_the_content_security_policy_allows_no_inline_script_and_no_other_host(client):
    policy = _policy(client.get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for values in policy.values():
        assert not [v for v in values if "unsafe" in v or "://" in v or v == "*"]


def test_every_response_says_nosniff_and_a_referrer_policy(client):
    for path in ("/", "/sign-in", "/no-such-page"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_https_only_is_announced_over_https_and_not_over_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://learning.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(("env", "secure"), [("production", True), ("development", False)])
def test_the_session_cookie_is_secure_outside_development(monkeypatch, env, secure):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app: Flask = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig)
                                if k.isupper()}, "ENV_NAME": env})
    assert app.config["SESSION_COOKIE_SECURE"] is secure


def test_the_session_cookie_is_http_only_and_same_site(client, app):
    factories.make_user("cookie@example.org")
    db.session.commit()
    response = client.post("/sign-in", data={"email": "cookie@example.org",
                                             "password": DEFAULT_PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower()
