"""A small world for browsing, shared by the catalog, cohorts and admin tests: a course with
a published, an unpublished and another published module; a draft course; another
facilitator's course; one user per situation."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.factories import enrol, make_cohort, make_course, make_module, make_user

# Who signs in, by the situation the tests name.
EMAILS = {
    "enrolled": "participant@example.org",
    "outsider": "outsider@example.org",
    "facilitator": "facilitator@example.org",
    "other_facilitator": "other-facilitator@example.org",
    "manager": "manager@example.org",
    "admin": "admin@example.org",
}


@pytest.fixture
def world(app, db):
    course = make_course("mindsets", "Changing mindsets")
    course.description = "First paragraph.\n\nSecond paragraph."
    one = make_module(course, "one", position=1)
    two = make_module(course, "two", position=2, published=False)
    three = make_module(course, "three", position=3)
    reading = one.items[1]
    reading.url = "https://example.org/report"
    reading.file_path = "mindsets/one/reading.pdf"
    draft = make_course("draft", "A draft course", published=False)
    make_module(draft, "draft-module")
    other = make_course("other", "Another course")
    make_module(other, "elsewhere")

    users = {
        "enrolled": make_user(EMAILS["enrolled"], name="Pat Participant",
                              organisation="Ministry of Finance", country="BB"),
        "outsider": make_user(EMAILS["outsider"], name="Olu Outsider"),
        "facilitator": make_user(EMAILS["facilitator"], "facilitator", name="Fay Facilitator"),
        "other_facilitator": make_user(EMAILS["other_facilitator"], "facilitator",
                                       name="Otto Other"),
        "manager": make_user(EMAILS["manager"], "manager", name="Mo Manager"),
        "admin": make_user(EMAILS["admin"], "admin", name="Ada Admin"),
    }
    course.facilitators.append(users["facilitator"])
    draft.facilitators.append(users["facilitator"])
    other.facilitators.append(users["other_facilitator"])
    cohort = make_cohort(course, "Cohort A", "JOINME2024")
    draft_cohort = make_cohort(draft, "Draft cohort", "DRAFTCODE1")
    cohort.managers.append(users["manager"])
    enrol(users["enrolled"], cohort)
    enrol(users["enrolled"], draft_cohort)
    db.session.commit()
    return SimpleNamespace(course=course, modules=[one, two, three], draft=draft, other=other,
                           cohort=cohort, draft_cohort=draft_cohort, users=users)


@pytest.fixture
def sign_in_as(auth):
    """Sign in as the user of a situation in EMAILS."""

    def sign_in(who):
        response = auth.login(EMAILS[who])
        assert response.status_code == 302, "sign-in failed"

    return sign_in


@pytest.fixture
def media(app, world):
    """Module one's recording, captions and PDF under MEDIA_ROOT; module two's captions."""
    root = Path(app.config["MEDIA_ROOT"]) / "mindsets"
    for module in ("one", "two"):
        (root / module).mkdir(parents=True)
        (root / module / "intro.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n")
    (root / "one" / "intro.webm").write_bytes(bytes(range(256)) * 4)
    (root / "one" / "reading.pdf").write_bytes(b"%PDF-1.4\n%fake\n")
    return root / "one"
