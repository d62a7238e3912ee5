"""Configuration: in development, the links the app prints follow the port it serves on."""

import io
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from flask import request_started
from pypdf import PdfReader

from learning import create_app
from learning.certificates import services as certificates
from learning.config import ROOT, Config, TestingConfig, default_base_url
from learning.database import db
from learning.progress import services as progress
from tests import factories
from tests.conftest import DEFAULT_PASSWORD, _fresh_request_globals, page


def test_the_default_base_url_follows_port(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    assert default_base_url() == "http://127.0.0.1:5000"
    monkeypatch.setenv("PORT", "5611")
    assert default_base_url() == "http://127.0.0.1:5611"


def test_development_without_base_url_uses_the_port(monkeypatch):
    monkeypatch.setenv("PORT", "5611")
    config = {"ENV_NAME": "development", "SECRET_KEY": "s" * 40, "BASE_URL": None,
              "DEFAULT_TIME_ZONE": "America/Port_of_Spain"}
    Config.finalise(config)
    assert config["BASE_URL"] == "http://127.0.0.1:5611"


def test_a_base_url_that_is_set_wins_over_the_port(monkeypatch):
    monkeypatch.setenv("PORT", "5611")
    config = {"ENV_NAME": "development", "SECRET_KEY": "s" * 40,
              "BASE_URL": "https://learning.example.org",
              "DEFAULT_TIME_ZONE": "America/Port_of_Spain"}
    Config.finalise(config)
    assert config["BASE_URL"] == "https://learning.example.org"


def test_the_default_time_zone_is_port_of_spain_unless_configured(monkeypatch):
    assert Config.DEFAULT_TIME_ZONE == "America/Port_of_Spain"
    config = {"ENV_NAME": "development", "SECRET_KEY": "s" * 40,
              "DEFAULT_TIME_ZONE": "America/Jamaica"}
    Config.finalise(config)
    assert config["DEFAULT_TIME_ZONE"] == "America/Jamaica"


@pytest.mark.parametrize("name", ["Caribbean/Trinidad", "", "UTC-4"])
def test_an_unknown_default_time_zone_refuses_to_start(name):
    with pytest.raises(RuntimeError, match="DEFAULT_TIME_ZONE"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                    "BASE_URL": "https://learning.example.org",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://", "DEFAULT_TIME_ZONE": name})


PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "s" * 40,
              "SQLALCHEMY_DATABASE_URI": "sqlite://"}


@pytest.mark.parametrize("unset", [None, "", "   "])
def test_production_refuses_to_start_without_base_url(unset):
    with pytest.raises(RuntimeError, match="BASE_URL must be set outside development"):
        create_app({**PRODUCTION, "BASE_URL": unset and unset.strip()})


def test_any_environment_but_development_and_the_tests_needs_base_url():
    config = {**PRODUCTION, "ENV_NAME": "staging", "BASE_URL": None,
              "DEFAULT_TIME_ZONE": "America/Port_of_Spain"}
    with pytest.raises(RuntimeError, match="BASE_URL"):
        Config.finalise(config)


def test_production_starts_with_base_url():
    app = create_app({**PRODUCTION, "BASE_URL": "https://learning.example.org"})
    assert app.config["BASE_URL"] == "https://learning.example.org"


@pytest.mark.parametrize("settings", [{"ENV_NAME": "testing"}, {"ENV_NAME": "production",
                                                                "TESTING": True}])
def test_the_tests_may_leave_base_url_unset(monkeypatch, settings):
    monkeypatch.delenv("PORT", raising=False)
    config = {"SECRET_KEY": "s" * 40, "BASE_URL": None,
              "DEFAULT_TIME_ZONE": "America/Port_of_Spain", **settings}
    Config.finalise(config)
    assert config["BASE_URL"] == "http://127.0.0.1:5000"


def test_wsgi_starts_in_development_without_base_url(tmp_path):
    """What `make run` and `flask --app wsgi` do: no LEARNING_ENV, no BASE_URL."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LEARNING_ENV", "BASE_URL", "SECRET_KEY", "DATABASE_URL")}
    env.update(INSTANCE_PATH=str(tmp_path), PORT="5612")
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import wsgi; print(wsgi.app.config['BASE_URL'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:5612"


def test_the_makefile_exports_port_to_the_app():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nexport PORT\n" in makefile
    # make run starts the web server and a job worker (scripts/serve.py) on that port.
    assert "scripts/serve.py --port $(PORT)" in makefile
    serve = (ROOT / "scripts" / "serve.py").read_text()
    assert '"run", "--host", "127.0.0.1", "--port", str(arguments.port)' in serve
    assert '"jobs", "work"' in serve


class DevelopmentOnAPort(TestingConfig):
    ENV_NAME = "development"
    BASE_URL = None


@pytest.fixture
def app_on_port(monkeypatch, tmp_path):
    monkeypatch.setenv("PORT", "5611")
    monkeypatch.delenv("BASE_URL", raising=False)
    app = create_app(DevelopmentOnAPort)
    app.config.update(MEDIA_ROOT=str(tmp_path / "media"), INSTANCE_DIR=str(tmp_path))
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    request_started.disconnect(_fresh_request_globals, app)


def test_links_on_certificates_and_join_links_say_the_port_served_on(app_on_port):
    assert app_on_port.config["BASE_URL"] == "http://127.0.0.1:5611"
    course = factories.make_course(slug="mindsets")
    module = factories.make_module(course, slug="one")
    cohort = factories.make_cohort(course)
    participant = factories.make_user("pat@example.org")
    facilitator = factories.make_user("fay@example.org", "facilitator", name="Fay Cil")
    course.facilitators.append(facilitator)
    factories.enrol(participant, cohort)
    for item in module.items:
        progress.mark_complete(participant.id, item, "read")
    db.session.commit()
    certificate = certificates.certificate_for(participant.id, course.id)
    verify = f"http://127.0.0.1:5611/verify/{certificate.code}"

    client = app_on_port.test_client()
    client.post("/sign-in", data={"email": "pat@example.org", "password": DEFAULT_PASSWORD})
    mine = page(client.get("/certificates"))
    linkedin = mine.find("a", href=lambda h: h.startswith("https://www.linkedin.com/"))["href"]
    assert parse_qs(urlsplit(linkedin).query)["certUrl"] == [verify]
    pdf_text = PdfReader(io.BytesIO(client.get(f"/certificates/{certificate.code}.pdf").data))
    assert verify in pdf_text.pages[0].extract_text()
    token = client.get(f"/certificates/{certificate.code}/open-badge.jwt").get_data(as_text=True)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "http://127.0.0.1:5611/issuer"
    assert jwt.get_unverified_header(token)["kid"].startswith("http://127.0.0.1:5611/issuer/keys/")

    client.post("/sign-out")
    client.post("/sign-in", data={"email": "fay@example.org", "password": DEFAULT_PASSWORD})
    join_link = page(client.get(f"/cohorts/{cohort.id}", follow_redirects=True)).find(
        "a", class_="join-link")
    assert join_link["href"] == f"http://127.0.0.1:5611/cohorts/join?code={cohort.join_code}"
