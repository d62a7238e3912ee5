"""The permission matrix: every method of every route of the URL map, asked by every visitor.

Each (endpoint, method) pair of the URL map but HEAD and OPTIONS (which Flask answers for
every route) is requested with real objects (the course, its cohort, a participant, their
certificate) by eight visitors, and the answer is classed as `o` (let through: any success,
redirect or form error), `s` (sent to sign in: 401, or a redirect to the sign-in page) or
`d` (refused: 403, or 404 where existence is not revealed). A pair with no row in MATRIX
fails the test, and so does a row for a pair the URL map does not have: a new route, or a
new method of a route, cannot ship without someone deciding who may use it.

The application runs with CSRF protection on, as in production, and every POST carries a
valid token for its visitor's session: what refuses a POST here is the permission, not a
missing token. That a POST without a valid token is refused, for every state-changing route
of the URL map, is `tests/test_csrf_everywhere.py`'s. A POST the visitor may not make must
change nothing: every row of every table is the same before and after it.

Visitors, in the order of each row's letters:

    anonymous, participant, participant of another course's cohort,
    facilitator, facilitator of another course, manager, manager of another cohort, admin
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from learning.announcements.models import Announcement
from learning.catalog.models import CourseFacilitator
from learning.certificates import keys
from learning.certificates import services as certificates
from learning.cohorts.models import CohortManager, RosterImport
from learning.jobs.models import FailedJob
from learning.mail import services as mail
from learning.progress import services as progress
from tests import factories, snapshot
from tests.conftest import AuthActions, csrf_token, page

pytestmark = pytest.mark.usefixtures("unhurried")

VISITORS = ("anonymous", "participant", "other_participant", "facilitator",
            "other_facilitator", "manager", "other_manager", "admin")

PUBLIC = "oooooooo"
SIGNED_IN = "sooooooo"
ENROLLED = "sodddddd"  # keeps progress and takes self-assessments: participants only
COURSE = "sodododo"  # its pages: participants, its facilitators, managers of its cohorts
COHORT = "sddododo"  # a cohort's pages: its course's facilitators, its managers, admins
STAFF = "sddooooo"  # lists of what facilitators and managers look after
AUTHORS = "sddooddo"  # creating a cohort: facilitators (of some course) and admins
ADMIN = "sddddddo"
CERTIFICATE_STAFF = "sddodddo"  # managing a certificate: its course's facilitators, admins
# The PDF and the badge name the holder: the holder, its course's facilitators and admins;
# anyone else checks a certificate at its public verification page.
CERTIFICATE_FILES = "sododddo"
AUTHOR = "sddodddo"  # the studio's pages for a course or its cohorts: its facilitators, admins

GET, POST = "GET", "POST"
IMPLICIT = {"HEAD", "OPTIONS"}  # Flask answers them for every route: not asked
# The start of what the page refusing a missing or forged CSRF token says.
CSRF_REFUSAL = "Your form had expired or was sent from elsewhere"

# Who may use each method of each route.
ROUTES = {
    "site.home": {GET: PUBLIC}, "site.ping": {GET: PUBLIC}, "site.healthz": {GET: PUBLIC},
    "static": {GET: PUBLIC},
    "accounts.register": {GET: PUBLIC, POST: PUBLIC},
    "accounts.sign_in": {GET: PUBLIC, POST: PUBLIC},
    "accounts.request_password_reset": {GET: PUBLIC, POST: PUBLIC},
    "accounts.reset_password": {GET: PUBLIC, POST: PUBLIC},
    "accounts.accept_invitation": {GET: PUBLIC, POST: PUBLIC},
    "accounts.sign_out": {POST: PUBLIC},
    "accounts.profile": {GET: SIGNED_IN, POST: SIGNED_IN},
    "accounts.change_password": {GET: SIGNED_IN, POST: SIGNED_IN},
    "accounts.sign_out_everywhere": {POST: SIGNED_IN},
    "catalog.my_learning": {GET: SIGNED_IN}, "certificates.mine": {GET: SIGNED_IN},
    "cohorts.join": {GET: SIGNED_IN, POST: SIGNED_IN},
    "cohorts.accept_invitation": {GET: SIGNED_IN, POST: SIGNED_IN},
    "progress.csrf_token": {GET: SIGNED_IN},
    "catalog.course": {GET: COURSE}, "catalog.module": {GET: COURSE},
    "catalog.item": {GET: COURSE}, "catalog.media": {GET: COURSE},
    "catalog.image": {GET: COURSE},
    "assessments.take": {GET: ENROLLED, POST: ENROLLED},
    "assessments.results": {GET: ENROLLED}, "assessments.reflect": {POST: ENROLLED},
    "progress.watch": {POST: ENROLLED}, "progress.complete": {POST: ENROLLED},
    "assessments.cohort": {GET: COHORT}, "cohorts.cohort": {GET: COHORT},
    "cohorts.index": {GET: STAFF}, "cohorts.new": {GET: AUTHORS, POST: AUTHORS},
    "reports.index": {GET: STAFF}, "reports.overview": {GET: COHORT},
    "reports.participants": {GET: COHORT}, "reports.export": {GET: COHORT},
    "reports.participant": {GET: COHORT}, "reports.breakdowns": {GET: COHORT},
    "reports.mindset": {GET: COHORT}, "reports.stalls": {GET: COHORT},
    "reports.remind": {POST: COHORT}, "reports.remind_preview": {GET: COHORT},
    "admin.users": {GET: ADMIN}, "admin.user": {GET: ADMIN},
    "admin.grant_role": {POST: ADMIN}, "admin.revoke_role": {POST: ADMIN},
    "admin.add_course": {POST: ADMIN}, "admin.remove_course": {POST: ADMIN},
    "admin.add_cohort": {POST: ADMIN}, "admin.remove_cohort": {POST: ADMIN},
    # Verifiers check a certificate by its code, and fetch the issuer's keys, without an account.
    "certificates.verify": {GET: PUBLIC}, "certificates.verify_form": {GET: PUBLIC},
    "certificates.download_pdf": {GET: CERTIFICATE_FILES},
    "certificates.open_badge": {GET: CERTIFICATE_FILES},
    "certificates.issuer": {GET: PUBLIC}, "certificates.jwks": {GET: PUBLIC},
    "certificates.key": {GET: PUBLIC}, "certificates.status_list": {GET: PUBLIC},
    "certificates.manage": {GET: CERTIFICATE_STAFF},
    "certificates.revoke": {POST: CERTIFICATE_STAFF},
    "certificates.reissue": {POST: CERTIFICATE_STAFF},
    "admin.new_user": {GET: ADMIN, POST: ADMIN},
    "admin.people.deactivate": {GET: ADMIN, POST: ADMIN},
    "admin.people.reactivate": {POST: ADMIN},
    "admin.people.edit": {GET: ADMIN, POST: ADMIN},
    "admin.send_password_reset": {POST: ADMIN}, "admin.countries_to_fix": {GET: ADMIN},
    "admin.choose_country": {GET: ADMIN, POST: ADMIN},
    "admin.work.outbox": {GET: ADMIN}, "admin.work.retry_message": {POST: ADMIN},
    "admin.work.failed_jobs": {GET: ADMIN}, "admin.work.retry_job": {POST: ADMIN},
    "studio.index": {GET: AUTHORS},
    "studio.course": {GET: AUTHOR},
    "studio.edit_course": {GET: AUTHOR, POST: AUTHOR},
    "studio.export": {GET: AUTHOR},
    "studio.add_facilitator": {POST: AUTHOR}, "studio.remove_facilitator": {POST: AUTHOR},
    "studio.new_module": {GET: AUTHOR, POST: AUTHOR},
    "studio.edit_module": {GET: AUTHOR, POST: AUTHOR},
    "studio.move_module": {POST: AUTHOR}, "studio.archive_module": {POST: AUTHOR},
    "studio.restore_module": {POST: AUTHOR}, "studio.delete_module": {POST: AUTHOR},
    "studio.new_reading": {GET: AUTHOR, POST: AUTHOR},
    "studio.edit_reading": {GET: AUTHOR, POST: AUTHOR},
    "studio.new_recording": {GET: AUTHOR, POST: AUTHOR},
    "studio.edit_recording": {GET: AUTHOR, POST: AUTHOR},
    "studio.move_item": {POST: AUTHOR}, "studio.archive_item": {POST: AUTHOR},
    "studio.restore_item": {POST: AUTHOR}, "studio.delete_item": {POST: AUTHOR},
    "studio.publish_item": {POST: AUTHOR}, "studio.unpublish_item": {POST: AUTHOR},
    "studio.move_item_to_module": {GET: AUTHOR, POST: AUTHOR},
    "studio.edit_cohort": {GET: AUTHOR, POST: AUTHOR},
    "studio.cohort_schedule": {GET: AUTHOR, POST: AUTHOR},
    "studio.new_join_code": {POST: AUTHOR},
    "studio.import_participants": {GET: AUTHOR, POST: AUTHOR},
    "studio.roster_import": {GET: AUTHOR},
    "studio.add_manager": {POST: AUTHOR}, "studio.remove_manager": {POST: AUTHOR},
    "studio.remove_participant": {POST: AUTHOR}, "studio.resend_invitation": {POST: AUTHOR},
    "studio.add_participant": {POST: AUTHOR},
    # A cohort's messages: written and read back by those who run it; received by anyone.
    "announcements.compose": {GET: AUTHOR, POST: AUTHOR},
    "announcements.announcement": {GET: AUTHOR},
    "announcements.mine": {GET: SIGNED_IN},
    "studio.new_instrument": {GET: AUTHOR, POST: AUTHOR},
    "studio.edit_instrument": {GET: AUTHOR},
    "studio.build_instrument": {GET: AUTHOR, POST: AUTHOR},
    "studio.preview_instrument": {GET: AUTHOR},
    "studio.delete_instrument": {POST: AUTHOR},
    "studio.new_self_assessment": {GET: AUTHOR, POST: AUTHOR},
    "studio.edit_self_assessment": {GET: AUTHOR, POST: AUTHOR},
    "studio.images": {GET: AUTHOR, POST: AUTHOR},
    "studio.rename_image": {POST: AUTHOR}, "studio.delete_image": {POST: AUTHOR},
    "studio.preview_markdown": {POST: AUTHOR},
}
MATRIX = {(endpoint, method): letters
          for endpoint, methods in ROUTES.items() for method, letters in methods.items()}


def _routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) of the URL map, but HEAD and OPTIONS."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - IMPLICIT}


def test_every_route_and_method_has_a_row_in_the_matrix(app):
    assert sorted(_routes(app) - set(MATRIX)) == []
    assert sorted(set(MATRIX) - _routes(app)) == []


def test_every_row_names_each_visitor_once(app):
    assert [case for case, letters in MATRIX.items()
            if len(letters) != len(VISITORS) or set(letters) - set("osd")] == []


@dataclass(frozen=True)
class World:
    """What the visitors meet: their emails, the values of the URLs' arguments, the cohort."""

    emails: dict[str, str]
    values: dict
    cohort_id: int
    files: dict[str, bytes]  # under MEDIA_ROOT: the recording's video, an image


# The world each process made first, by database, and its rows: put back for every test
# and visitor after that (tests/snapshot.py), the same rows with the same ids.
_made: dict[str, tuple[World, snapshot.Snapshot]] = {}


def build_world(app, db) -> World:
    """Two courses, a cohort of each, the eight visitors, a certificate and a recording.

    Made once per process and database through the application's services and its forms,
    then put back as rows into the emptied database, with its files under MEDIA_ROOT.
    """
    # Each visitor signs in for every route: far past the limits meant for guessing.
    for limit in ("SIGN_IN_RATE_LIMIT", "SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT",
                  "SIGN_IN_ACCOUNT_RATE_LIMIT"):
        app.config[limit] = "1000/minute"
    database = db.engine.url.render_as_string(hide_password=False)
    if database in _made:
        world, rows = _made[database]
        snapshot.restore(db, rows)
    else:
        world = _make_world(app, db)
        _made[database] = world, snapshot.take(db)
    for path, content in world.files.items():
        file = Path(app.config["MEDIA_ROOT"], path)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(content)
    return world


def _make_world(app, db) -> World:
    course = factories.make_course(slug="mindsets", title="Mindsets")
    module = factories.make_module(course, slug="one")
    other_course = factories.make_course(slug="other", title="Other")
    factories.make_module(other_course, slug="elsewhere")
    cohort = factories.make_cohort(course)
    other_cohort = factories.make_cohort(other_course, name="Cohort B", join_code="OTHER2024")
    people = {
        "participant": factories.make_user("p@example.org"),
        "other_participant": factories.make_user("q@example.org"),
        "facilitator": factories.make_user("f@example.org", "facilitator"),
        "other_facilitator": factories.make_user("g@example.org", "facilitator"),
        "manager": factories.make_user("m@example.org", "manager"),
        "other_manager": factories.make_user("n@example.org", "manager"),
        "admin": factories.make_user("x@example.org", "admin"),
    }
    factories.enrol(people["participant"], cohort)
    factories.enrol(people["other_participant"], other_cohort)
    db.session.add_all([
        CourseFacilitator(course_id=course.id, user_id=people["facilitator"].id),
        CourseFacilitator(course_id=other_course.id, user_id=people["other_facilitator"].id),
        CohortManager(cohort_id=cohort.id, user_id=people["manager"].id),
        CohortManager(cohort_id=other_cohort.id, user_id=people["other_manager"].id),
    ])
    db.session.commit()
    participant = people["participant"]
    for item in factories.required_items(course):
        progress.mark_complete(participant.id, item, "read")
    db.session.commit()
    recording, assessment = module.items[0], module.items[2]
    image = Path(course.slug, "images", "0" * 32 + ".png")
    files = {recording.video_path: bytes(range(256)), str(image): b"\x89PNG\r\n\x1a\n"}
    values = {
        "slug": course.slug, "module_slug": module.slug, "item_slug": recording.slug,
        "item_id": recording.id, "kind": "video", "instrument_slug": assessment.instrument.slug,
        "phase": "before" if assessment.instrument.is_before_after else "single",
        "code": certificates.certificate_for(participant.id, course.id).code,
        "kid": keys.key_id().rsplit("/", 1)[1], "token": "not-a-token",
        "filename": "css/site.css", "role": "facilitator", "course_id": course.id,
        "cohort_id": cohort.id, "user_id": participant.id, "name": image.name,
    }
    values.update(module_id=module.id, reading_id=module.items[1].id, direction="up",
                  facilitator_id=people["facilitator"].id, manager_id=people["manager"].id,
                  assessment_id=assessment.id, instrument_id=assessment.instrument_id)
    # A failed email and a failed job, for the admins' buttons that send them again.
    message = mail.queue_mail("p@example.org", "Subject", "Body", "reminder")
    failed = FailedJob(name="learning.mail.sending.send_message", arguments="[1]", error="E",
                       attempts=1, failed_at=message.created_at)
    db.session.add(failed)
    # A roster's import, for its progress page.
    imported = RosterImport(cohort_id=cohort.id, status="done", total=0, rows="[]")
    db.session.add(imported)
    # A message sent to the cohort, for its page.
    announcement = Announcement(cohort_id=cohort.id, token="matrix", subject="S", body="B",
                                body_html="<p>B</p>", audience="all", recipient_count=0,
                                status="done")
    db.session.add(announcement)
    db.session.commit()
    values.update(message_id=message.id, failed_job_id=failed.id, import_id=imported.id,
                  announcement_id=announcement.id)
    _submit_self_assessment(app, values)
    return World({visitor: person.email for visitor, person in people.items()}, values,
                 cohort.id, files)


def fresh_world(app, db, empty_database) -> World:
    """An empty database and a new world: what one visitor's change leaves is not the next's."""
    empty_database()
    return build_world(app, db)


def _submit_self_assessment(app, values) -> None:
    """The participant answers the self-assessment, so that it has results to see."""
    client = app.test_client()
    assert AuthActions(client).login("p@example.org").status_code == 302
    path = f"/courses/{values['slug']}/assessments/{values['instrument_slug']}/{values['phase']}"
    form = page(client.get(path)).find("form", class_="take")
    answers = {field["name"]: "4" for field in form.select("input[type=radio]")}
    # The form's hidden fields: its token, and its CSRF token.
    hidden = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    response = client.post(path, data={**hidden, **answers, "action": "submit"})
    assert response.status_code == 302


def _url(app, endpoint: str, method: str, world: World) -> str:
    rule = next(r for r in app.url_map.iter_rules()
                if r.endpoint == endpoint and method in r.methods)
    values = world.values
    arguments = {name: values.get(name) for name in rule.arguments}
    if "id" in arguments:
        # Users under /admin; cohorts everywhere else.
        arguments["id"] = (values["user_id"] if endpoint.startswith("admin.")
                           else world.cohort_id)
    # The object each of these acts on: a reading, the course's facilitator, the manager.
    chosen = {"studio.edit_reading": ("item_id", "reading_id"),
              "studio.edit_self_assessment": ("item_id", "assessment_id"),
              "studio.remove_facilitator": ("user_id", "facilitator_id"),
              "studio.remove_manager": ("user_id", "manager_id"),
              "admin.work.retry_message": ("id", "message_id"),
              "admin.work.retry_job": ("id", "failed_job_id")}
    if endpoint in chosen:
        name, key = chosen[endpoint]
        arguments[name] = values[key]
    return rule.build(arguments, append_unknown=False)[1]


def _csrf_token(client, visitor: str) -> str:
    """A valid CSRF token for this client's session, as its pages would give it."""
    if visitor == "anonymous":
        return csrf_token(client, "/sign-in")
    response = client.get("/progress/csrf-token")
    assert response.status_code == 200, visitor
    return response.get_json()["csrf_token"]


def _rows(db) -> dict[str, list]:
    """Every row of every table: what a refused request must leave as it found it."""
    return {name: sorted((tuple(row.values()) for row in rows), key=repr)
            for name, rows in snapshot.table_rows(db).items()}


def _changed(before: dict[str, list], after: dict[str, list]) -> list[str]:
    """The tables whose rows differ."""
    return [name for name in before if before[name] != after[name]]


def test_the_world_put_back_is_the_world_made(app, db, empty_database):
    """Its rows come back the same, ids included, and new rows take the ids after them."""
    _make_world(app, db)
    made, rows = _rows(db), snapshot.take(db)
    empty_database()
    assert [name for name, found in _rows(db).items() if found] == []
    snapshot.restore(db, rows)
    assert _changed(made, _rows(db)) == []
    users = len(made["user"])
    assert factories.make_user("new@example.org").id == users + 1
    db.session.commit()


def test_the_row_check_sees_a_change_in_any_table(app, db):
    build_world(app, db)
    before = _rows(db)
    assert _changed(before, _rows(db)) == []
    factories.make_user("new@example.org")
    db.session.commit()
    assert _changed(before, _rows(db)) == ["user", "user_role"]


def _class(response) -> str:
    status = response.status_code
    location = urlsplit(response.headers.get("Location", "")).path
    if status == 401 or (status in (301, 302, 303) and location == "/sign-in"):
        return "s"
    if status in (403, 404):
        return "d"
    assert status < 500, f"{status} for {response.request.path}"
    # Every POST carries a valid token: a form refused (400) is refused for its fields.
    assert status != 400 or CSRF_REFUSAL not in response.get_data(as_text=True), (
        response.request.path)
    return "o"


# Slow as a whole (some 140 routes and methods, eight visitors each): the inner loop leaves
# it out.
@pytest.mark.slow
@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX),
                         ids=[f"{endpoint}-{method}" for endpoint, method in sorted(MATRIX)])
def test_who_may_use_each_route(csrf_app, db, empty_database, endpoint, method):
    app = csrf_app
    world = build_world(app, db)
    url = _url(app, endpoint, method, world)
    found = ""
    for visitor in VISITORS:
        if method != "GET" and found.endswith("o"):
            # A change the previous visitor was let through to make (a deletion, a removal)
            # is undone first: each visitor meets the same world.
            world = fresh_world(app, db, empty_database)
            url = _url(app, endpoint, method, world)
        client = app.test_client()
        if visitor != "anonymous":
            response = AuthActions(client).login(world.emails[visitor])
            assert response.status_code == 302, visitor
        data = None
        if method != "GET":
            data = {"csrf_token": _csrf_token(client, visitor)}
            before = _rows(db)
        response = client.open(url, method=method, data=data)
        answer = _class(response)
        response.close()  # a file's stream (media, static) is left open otherwise
        found += answer
        if method != "GET":
            changed = _changed(before, _rows(db))
            # A POST refused changes nothing, in any table.
            assert answer == "o" or changed == [], (
                f"{method} {url} refused to {visitor} changed {changed}")
    assert found == MATRIX[endpoint, method], (
        f"{method} {url}: expected {MATRIX[endpoint, method]}, got {found}")
