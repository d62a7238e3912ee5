"""The permission matrix: every route of the URL map, asked by every kind of visitor.

Each route is requested with real objects (the course, its cohort, a participant, their
certificate) by eight visitors, and the answer is classed as `o` (let through: any success,
redirect or form error), `s` (sent to sign in: 401, or a redirect to the sign-in page) or
`d` (refused: 403, or 404 where existence is not revealed). A route with no row in MATRIX
fails the test, so a new page cannot ship without someone deciding who may see it.

Visitors, in the order of each row's letters:

    anonymous, participant, participant of another course's cohort,
    facilitator, facilitator of another course, manager, manager of another cohort, admin
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from learning.catalog.models import CourseFacilitator
from learning.certificates import keys
from learning.certificates import services as certificates
from learning.cohorts.models import CohortManager, RosterImport
from learning.jobs.models import FailedJob
from learning.mail import services as mail
from learning.progress import services as progress
from tests import factories
from tests.conftest import DEFAULT_PASSWORD, page

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

MATRIX = {
    "core.home": PUBLIC, "core.ping": PUBLIC, "core.healthz": PUBLIC, "static": PUBLIC,
    "accounts.register": PUBLIC, "accounts.sign_in": PUBLIC,
    "accounts.request_password_reset": PUBLIC, "accounts.reset_password": PUBLIC,
    "accounts.accept_invitation": PUBLIC,
    "accounts.sign_out": PUBLIC,
    "accounts.profile": SIGNED_IN, "accounts.change_password": SIGNED_IN,
    "accounts.sign_out_everywhere": SIGNED_IN,
    "catalog.my_learning": SIGNED_IN, "certificates.mine": SIGNED_IN,
    "cohorts.join": SIGNED_IN, "cohorts.accept_invitation": SIGNED_IN,
    "progress.csrf_token": SIGNED_IN,
    "catalog.course": COURSE, "catalog.module": COURSE, "catalog.item": COURSE,
    "catalog.media": COURSE, "catalog.image": COURSE,
    "assessments.take": ENROLLED, "assessments.results": ENROLLED,
    "assessments.reflect": ENROLLED,
    "progress.watch": ENROLLED, "progress.complete": ENROLLED,
    "assessments.cohort": COHORT, "cohorts.cohort": COHORT,
    "cohorts.index": STAFF, "cohorts.new": AUTHORS,
    "reports.index": STAFF, "reports.overview": COHORT, "reports.participants": COHORT,
    "reports.export": COHORT, "reports.participant": COHORT, "reports.breakdowns": COHORT,
    "reports.mindset": COHORT, "reports.stalls": COHORT, "reports.remind": COHORT,
    "admin.users": ADMIN, "admin.user": ADMIN, "admin.grant_role": ADMIN,
    "admin.revoke_role": ADMIN, "admin.add_course": ADMIN, "admin.remove_course": ADMIN,
    "admin.add_cohort": ADMIN, "admin.remove_cohort": ADMIN,
    # Verifiers check a certificate by its code, and fetch the issuer's keys, without an account.
    "certificates.verify": PUBLIC, "certificates.verify_form": PUBLIC,
    "certificates.download_pdf": CERTIFICATE_FILES, "certificates.open_badge": CERTIFICATE_FILES,
    "certificates.issuer": PUBLIC, "certificates.jwks": PUBLIC, "certificates.key": PUBLIC,
    "certificates.status_list": PUBLIC,
    "certificates.manage": CERTIFICATE_STAFF, "certificates.revoke": CERTIFICATE_STAFF,
    "certificates.reissue": CERTIFICATE_STAFF,
    "admin.new_user": ADMIN, "admin.people.deactivate": ADMIN, "admin.people.reactivate": ADMIN,
    "admin.people.edit": ADMIN,
    "admin.send_password_reset": ADMIN, "admin.countries_to_fix": ADMIN,
    "admin.choose_country": ADMIN,
    "admin.work.outbox": ADMIN, "admin.work.retry_message": ADMIN,
    "admin.work.failed_jobs": ADMIN, "admin.work.retry_job": ADMIN,
    "studio.index": AUTHORS,
    **dict.fromkeys([
        "studio.course", "studio.edit_course", "studio.export", "studio.add_facilitator",
        "studio.remove_facilitator",
        "studio.new_module", "studio.edit_module", "studio.move_module", "studio.archive_module",
        "studio.restore_module", "studio.delete_module", "studio.new_reading",
        "studio.edit_reading", "studio.new_recording", "studio.edit_recording",
        "studio.move_item", "studio.archive_item", "studio.restore_item", "studio.delete_item",
        "studio.publish_item", "studio.unpublish_item", "studio.move_item_to_module",
        "studio.edit_cohort", "studio.new_join_code", "studio.import_participants",
        "studio.roster_import",
        "studio.add_manager", "studio.remove_manager", "studio.remove_participant",
        "studio.resend_invitation",
        "studio.new_instrument", "studio.edit_instrument", "studio.delete_instrument",
        "studio.edit_bands", "studio.new_dimension", "studio.edit_dimension",
        "studio.move_dimension", "studio.delete_dimension", "studio.new_self_assessment",
        "studio.edit_self_assessment",
        "studio.images",
    ], AUTHOR),
}


def _endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def test_every_route_has_a_row_in_the_matrix(app):
    assert [endpoint for endpoint in _endpoints(app) if endpoint not in MATRIX] == []
    assert [endpoint for endpoint in MATRIX if endpoint not in _endpoints(app)] == []


def build_world(app, db):
    """Two courses, a cohort of each, the eight visitors, a certificate and a recording."""
    # Each visitor signs in for every route: far past the limits meant for guessing.
    for limit in ("SIGN_IN_RATE_LIMIT", "SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT",
                  "SIGN_IN_ACCOUNT_RATE_LIMIT"):
        app.config[limit] = "1000/minute"
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
    video = Path(app.config["MEDIA_ROOT"]) / recording.video_path
    video.parent.mkdir(parents=True, exist_ok=True)
    video.write_bytes(bytes(range(256)))
    image = Path(app.config["MEDIA_ROOT"], course.slug, "images", "0" * 32 + ".png")
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
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
                  assessment_id=assessment.id, instrument_id=assessment.instrument_id,
                  dimension_id=assessment.instrument.dimensions[0].id)
    # A failed email and a failed job, for the admins' buttons that send them again.
    message = mail.queue_mail("p@example.org", "Subject", "Body", "reminder")
    failed = FailedJob(name="learning.mail.sending.send_message", arguments="[1]", error="E",
                       attempts=1, failed_at=message.created_at)
    db.session.add(failed)
    # A roster's import, for its progress page.
    imported = RosterImport(cohort_id=cohort.id, status="done", total=0, rows="[]")
    db.session.add(imported)
    db.session.commit()
    values.update(message_id=message.id, failed_job_id=failed.id, import_id=imported.id)
    _submit_self_assessment(app, values)
    return people, values, cohort


def fresh_world(app, db, empty_database):
    """An empty database and a new world: what one visitor's change leaves is not the next's."""
    empty_database()
    return build_world(app, db)


def _submit_self_assessment(app, values) -> None:
    """The participant answers the self-assessment, so that it has results to see."""
    client = app.test_client()
    client.post("/sign-in", data={"email": "p@example.org", "password": DEFAULT_PASSWORD})
    path = f"/courses/{values['slug']}/assessments/{values['instrument_slug']}/{values['phase']}"
    form = page(client.get(path)).find("form", class_="take")
    answers = {field["name"]: "4" for field in form.select("input[type=radio]")}
    hidden = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    response = client.post(path, data={**hidden, **answers, "action": "submit"})
    assert response.status_code == 302


def _url(app, endpoint: str, values: dict, cohort) -> tuple[str, str]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    arguments = {name: values.get(name) for name in rule.arguments}
    if "id" in arguments:
        # Users under /admin; cohorts everywhere else.
        arguments["id"] = (values["user_id"] if endpoint.startswith("admin.")
                           else cohort.id)
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
    method = "GET" if "GET" in rule.methods else next(iter(rule.methods - {"OPTIONS"}))
    return method, rule.build(arguments, append_unknown=False)[1]


def _class(response) -> str:
    status = response.status_code
    location = urlsplit(response.headers.get("Location", "")).path
    if status == 401 or (status in (301, 302, 303) and location == "/sign-in"):
        return "s"
    if status in (403, 404):
        return "d"
    assert status < 500, f"{status} for {response.request.path}"
    return "o"


# Slow as a whole (about 100 routes, eight visitors each): the inner loop leaves it out.
@pytest.mark.slow
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_who_may_use_each_route(app, db, empty_database, endpoint):
    people, values, cohort = build_world(app, db)
    method, url = _url(app, endpoint, values, cohort)
    found = ""
    for visitor in VISITORS:
        if method != "GET" and found.endswith("o"):
            # A change the previous visitor was let through to make (a deletion, a removal)
            # is undone first: each visitor meets the same world.
            people, values, cohort = fresh_world(app, db, empty_database)
            method, url = _url(app, endpoint, values, cohort)
        client = app.test_client()
        if visitor != "anonymous":
            response = client.post("/sign-in", data={"email": people[visitor].email,
                                                     "password": DEFAULT_PASSWORD})
            assert response.status_code == 302, visitor
        response = client.open(url, method=method)
        found += _class(response)
        response.close()  # a file's stream (media, static) is left open otherwise
    assert found == MATRIX[endpoint], f"{method} {url}: expected {MATRIX[endpoint]}, got {found}"
