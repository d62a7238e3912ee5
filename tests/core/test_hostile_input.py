"""No 500 on hostile input: control characters, numbers too large, deep JSON, no database.

Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where a NUL byte in a text
parameter or an id past INTEGER made the query itself fail.
"""

import importlib
import inspect
import json
import pkgutil
import socket

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SelectField, StringField

import learning
from learning import create_app
from learning.accounts.models import User, UserSession
from learning.certificates import services as certificates
from learning.cohorts.models import Cohort
from learning.config import TestingConfig
from learning.core.forms import CONTROL_CHARACTERS_MESSAGE, Form
from learning.core.routing import MAX_ID
from learning.database import db as _db
from learning.progress import services as progress
from learning.progress.models import Progress
from learning.progress.views import MAX_REPORT_BYTES
from tests import factories
from tests.conftest import DEFAULT_PASSWORD, page

MESSAGE = str(CONTROL_CHARACTERS_MESSAGE)
HOSTILE = ["Ada\x00Lovelace", "Ada\x1b[31mLovelace", "Ada\x7f", "Ada\u0085Lovelace"]

pytestmark = pytest.mark.usefixtures("unhurried")


def shows_the_message(response) -> bool:
    return response.status_code == 200 and MESSAGE in page(response).get_text()


@pytest.fixture
def world(app, db):
    course = factories.make_course(slug="mindsets", title="Mindsets")
    module = factories.make_module(course, slug="one")
    cohort = factories.make_cohort(course)
    participant = factories.make_user("participant@example.org")
    factories.enrol(participant, cohort)
    facilitator = factories.make_user("facilitator@example.org", "facilitator")
    course.facilitators.append(facilitator)
    factories.make_user("admin@example.org", "admin", name="Ada Min")
    for item in module.items:
        progress.mark_complete(participant.id, item, "read")
    db.session.commit()
    return {"course": course, "recording": module.items[0], "cohort": cohort,
            "participant": participant,
            "certificate": certificates.certificate_for(participant.id, course.id)}


# Forms: every text field refuses control characters with the form's usual message.

def all_form_classes():
    for module in pkgutil.walk_packages(learning.__path__, "learning."):
        importlib.import_module(module.name)
    found, pending = set(), [FlaskForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass.__module__.startswith("learning.") and subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return sorted(found - {Form}, key=lambda cls: cls.__qualname__)


def test_every_form_derives_from_the_base_form():
    forms = all_form_classes()
    assert len(forms) >= 10
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, Form)] == []


def test_every_text_field_of_every_form_refuses_a_nul(app, db):
    user = factories.make_user("someone@example.org")
    for cls in all_form_classes():
        needs_user = "user" in inspect.signature(cls.__init__).parameters
        with app.test_request_context(method="POST"):
            blank = cls(user) if needs_user else cls()
            fields = [f.name for f in blank if isinstance(f, StringField)
                      and not isinstance(f, HiddenField)]
            data = MultiDict({name: "x\x00y" for name in fields})
            form = cls(user, formdata=data) if needs_user else cls(formdata=data)
            for field in form:
                if isinstance(field, SelectField):
                    field.choices = []  # views fill them in
            form.validate()
            for name in fields:
                assert form[name].errors == [MESSAGE], (cls.__qualname__, name)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["name", "email", "organisation", "country", "job_title",
                                   "password"])
def test_register_refuses_control_characters(client, db, field, value):
    password = "lantern orchard pebble gusts"
    data = {"name": "Ada Official", "email": "ada@example.gov", "organisation": "Ministry",
            "country": "Barbados", "job_title": "Director", "password": password,
            "confirm": password}
    data[field] = value if field != "email" else value + "@example.gov"
    if field == "password":
        data["confirm"] = data["password"]
    response = client.post("/register", data=data)
    assert shows_the_message(response)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_tab_is_refused_in_a_one_line_field(client, db):
    password = "lantern orchard pebble gusts"
    response = client.post("/register", data={
        "name": "Ada\tOfficial", "email": "ada@example.gov", "organisation": "Ministry",
        "country": "Barbados", "password": password, "confirm": password})
    assert shows_the_message(response)


def test_sign_in_refuses_control_characters(client, db, world):
    response = client.post("/sign-in", data={"email": "participant\x00@example.org",
                                             "password": DEFAULT_PASSWORD})
    assert shows_the_message(response)
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_password_reset_request_refuses_control_characters(client, db, world):
    response = client.post("/password-reset", data={"email": "participant@exa\x00mple.org"})
    assert shows_the_message(response)


def test_a_tampered_hidden_field_is_dropped_not_shown(client, db, world):
    response = client.post("/sign-in", data={"email": "participant@example.org",
                                             "password": DEFAULT_PASSWORD,
                                             "next": "/profile\x00"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/learning"


@pytest.mark.parametrize("value", HOSTILE)
def test_profile_refuses_control_characters(client, auth, db, world, value):
    auth.login()
    response = client.post("/profile", data={"name": value, "organisation": "Ministry",
                                             "country": "Barbados"})
    assert shows_the_message(response)
    _db.session.expire_all()
    assert _db.session.get(User, world["participant"].id).name == "Pat Participant"


@pytest.mark.parametrize("value", HOSTILE)
def test_cohort_name_refuses_control_characters(client, auth, db, world, value):
    auth.login("facilitator@example.org")
    response = client.post("/cohorts/new", data={
        "name": value, "course": str(world["course"].id), "starts_on": "2024-02-21",
        "ends_on": "2024-03-27"})
    assert shows_the_message(response)
    assert db.session.scalar(select(func.count(Cohort.id))) == 1


@pytest.mark.parametrize("value", ["JOIN\x00ME2024", "JOINME2024\x1b", "\x00"])
def test_join_code_refuses_control_characters(client, auth, db, world, value):
    auth.login("facilitator@example.org")
    response = client.post("/cohorts/join", data={"code": value})
    assert shows_the_message(response)


@pytest.mark.parametrize("value", ["Fraud\x00", "Fraud\x1b[0m", "\x00"])
def test_revocation_reason_refuses_control_characters(client, auth, db, world, value):
    auth.login("facilitator@example.org")
    code = world["certificate"].code
    response = client.post(f"/certificates/{code}/revoke", data={"reason": value})
    assert shows_the_message(response)
    _db.session.expire_all()
    assert not certificates.get_certificate_by_code(code).is_revoked


def test_a_multi_line_reason_keeps_its_tabs_and_line_breaks(client, auth, db, world):
    auth.login("facilitator@example.org")
    code = world["certificate"].code
    response = client.post(f"/certificates/{code}/revoke",
                           data={"reason": "Issued in error.\r\n\tSee the cohort record."})
    assert response.status_code == 302
    _db.session.expire_all()
    assert certificates.get_certificate_by_code(code).is_revoked


# Query strings: a control character anywhere is a bad request.

@pytest.mark.parametrize("query", [
    {"q": "ada\x00"}, {"q": "\x1b[2J"}, {"q": "ada", "page": "1\x00"}, {"x\x00": "1"},
])
def test_admin_search_with_control_characters_is_400(client, auth, db, world, query):
    auth.login("admin@example.org")
    response = client.get("/admin/users", query_string=query)
    assert response.status_code == 400
    assert "characters that are not allowed" in page(response).get_text()


def test_admin_search_still_finds_people(client, auth, db, world):
    auth.login("admin@example.org")
    response = client.get("/admin/users", query_string={"q": "ada"})
    assert response.status_code == 200
    assert "admin@example.org" in page(response).get_text()


@pytest.mark.parametrize("path", ["/sign-in?next=/profile%00", "/register?next=%1b",
                                  "/verify?code=AB%00CD", "/cohorts/join?code=JOIN%00"])
def test_any_query_string_with_control_characters_is_400(client, auth, db, world, path):
    auth.login()
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("number", ["-1", "0", "abc", "1.5", "١", str(2**31), str(2**63),
                                    "9" * 5000])
def test_a_page_number_that_is_not_one_is_400(client, auth, db, world, number):
    auth.login("admin@example.org")
    response = client.get("/admin/users", query_string={"page": number})
    assert response.status_code == 400
    assert "page number" in page(response).get_text()


def test_a_page_past_the_last_shows_the_last(client, auth, db, world):
    auth.login("admin@example.org")
    response = client.get("/admin/users", query_string={"page": "99"})
    assert response.status_code == 200
    assert "admin@example.org" in page(response).get_text()


# Path: ids the columns cannot hold, text with control characters.

BIG = [str(MAX_ID + 1), str(2**63), str(2**64 + 5), str(10**30), "1" * 5000]


@pytest.mark.parametrize("number", BIG)
def test_ids_beyond_the_columns_are_404(client, auth, db, world, number):
    auth.login("admin@example.org")
    assert client.get(f"/admin/users/{number}").status_code == 404
    assert client.get(f"/cohorts/{number}").status_code == 404
    assert client.get(f"/cohorts/{number}/assessments").status_code == 404
    assert client.get(f"/items/{number}/video").status_code == 404
    assert client.post(f"/admin/users/{number}/roles/admin/grant").status_code == 404


@pytest.mark.parametrize("number", BIG)
def test_a_heartbeat_for_an_id_beyond_the_columns_is_a_json_404(client, auth, db, world,
                                                                number):
    auth.login()
    response = client.post(f"/progress/items/{number}/watch", data={"intervals": "[[0, 1]]"})
    assert response.status_code == 404


def test_the_largest_id_is_looked_up(client, auth, db, world):
    auth.login("admin@example.org")
    assert client.get(f"/admin/users/{MAX_ID}").status_code == 404


@pytest.mark.parametrize("path", ["/verify/AB%00CD", "/certificates/AB%00CD.pdf",
                                  "/courses/minds%00ets", "/courses/mindsets/modules/o%1bne",
                                  "/admin/users/1/roles/ad%00min/grant"])
def test_text_in_the_path_with_control_characters_is_404(client, auth, db, world, path):
    auth.login("admin@example.org")
    method = client.post if path.endswith("/grant") else client.get
    assert method(path).status_code == 404


# JSON: nesting deeper than the parser goes.

def test_a_deeply_nested_heartbeat_is_400(client, auth, db, world):
    auth.login()
    revisions = db.session.scalars(select(Progress.revision)).all()
    depth = (MAX_REPORT_BYTES - 100) // 6  # "[" and "]" are sent as %5B and %5D
    response = client.post(f"/progress/items/{world['recording'].id}/watch",
                           data={"intervals": "[" * depth + "]" * depth})
    assert response.status_code == 400
    assert set(response.json) == {"error"}
    assert db.session.scalars(select(Progress.revision)).all() == revisions


def test_a_heartbeat_with_a_nul_is_400(client, auth, db, world):
    auth.login()
    response = client.post(f"/progress/items/{world['recording'].id}/watch",
                           data={"intervals": "[[0, 1]]\x00", "position": "1\x00"})
    assert response.status_code == 400


# The database out of reach: 503 with a retry hint.

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unreachable_url(tmp_path) -> str:
    if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/unreachable"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'learning.db'}"


@pytest.fixture
def signed_in_cookie(client, auth, world):
    auth.login()
    return client.get_cookie("session").value


@pytest.fixture
def outage(tmp_path):
    """An application whose database cannot be reached."""
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig)
                         if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": _unreachable_url(tmp_path)})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_a_page_without_its_database_is_503_with_a_retry_hint(outage):
    response = outage.test_client().get("/verify/ABCDABCDABCDABCDABCD")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert page(response).h1.get_text(strip=True) == "Briefly unavailable"


def test_a_signed_in_visitor_without_the_database_gets_503(outage, signed_in_cookie):
    client = outage.test_client()
    client.set_cookie("session", signed_in_cookie)
    response = client.get("/learning")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_heartbeat_without_the_database_gets_a_json_503(outage, signed_in_cookie, world):
    client = outage.test_client()
    client.set_cookie("session", signed_in_cookie)
    response = client.post(f"/progress/items/{world['recording'].id}/watch",
                           data={"intervals": json.dumps([[0, 10]])})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert set(response.json) == {"error"}
