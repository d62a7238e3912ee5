"""A course with a before/after instrument (module one) and a single one (module two)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from learning.assessments.models import Response
from learning.database import db as _db
from tests.conftest import page
from tests.factories import enrol, make_cohort, make_course, make_module, make_user

COURSE = "/courses/mindsets"
BEFORE = COURSE + "/assessments/one-instrument/before"
AFTER = COURSE + "/assessments/one-instrument/after"
RESULTS = COURSE + "/assessments/one-instrument/results"
SINGLE = COURSE + "/assessments/two-instrument/single"
SINGLE_RESULTS = COURSE + "/assessments/two-instrument/results"

EMAILS = {
    "participant": "participant@example.org",
    "peer": "peer@example.org",
    "outsider": "outsider@example.org",
    "facilitator": "facilitator@example.org",
    "other_facilitator": "other-facilitator@example.org",
    "manager": "manager@example.org",
    "other_manager": "other-manager@example.org",
    "admin": "admin@example.org",
}


@pytest.fixture
def world(app, db):
    course = make_course("mindsets", "Changing mindsets")
    one = make_module(course, "one", position=1)
    two = make_module(course, "two", position=2)
    before_after = one.items[2].instrument
    before_after.is_before_after = True
    before_after.dimensions[0].helpful_items = ["one/reading", "nowhere/missing"]
    other = make_course("other", "Another course")
    make_module(other, "elsewhere")
    users = {
        "participant": make_user(EMAILS["participant"], name="Pat Participant"),
        "peer": make_user(EMAILS["peer"], name="Pia Peer"),
        "outsider": make_user(EMAILS["outsider"], name="Olu Outsider"),
        "facilitator": make_user(EMAILS["facilitator"], "facilitator", name="Fay Facilitator"),
        "other_facilitator": make_user(EMAILS["other_facilitator"], "facilitator",
                                       name="Otto Other"),
        "manager": make_user(EMAILS["manager"], "manager", name="Mo Manager"),
        "other_manager": make_user(EMAILS["other_manager"], "manager", name="Max Manager"),
        "admin": make_user(EMAILS["admin"], "admin", name="Ada Admin"),
    }
    course.facilitators.append(users["facilitator"])
    other.facilitators.append(users["other_facilitator"])
    cohort = make_cohort(course, "Cohort A", "JOINME2024")
    other_cohort = make_cohort(course, "Cohort B", "JOINME2025")
    cohort.managers.append(users["manager"])
    other_cohort.managers.append(users["other_manager"])
    enrol(users["participant"], cohort)
    enrol(users["peer"], cohort)
    db.session.commit()
    return SimpleNamespace(course=course, modules=[one, two], other=other, cohort=cohort,
                           other_cohort=other_cohort, users=users,
                           before_after=before_after, single=two.items[2].instrument)


@pytest.fixture
def sign_in_as(auth):
    def sign_in(who):
        auth.logout()
        response = auth.login(EMAILS[who])
        assert response.status_code == 302, "sign-in failed"

    return sign_in


def statement_ids(instrument):
    return [s.id for d in instrument.dimensions for s in d.statements]


def form_data(client, url, values, action="submit"):
    """The take form's hidden fields as the page gives them, with answers in statement order."""
    soup = page(client.get(url))
    data = {field["name"]: field.get("value", "")
            for field in soup.select("form.take input[type=hidden]")}
    names = list(dict.fromkeys(r["name"] for r in soup.select("form.take input[type=radio]")))
    for name, value in zip(names, values, strict=False):
        if value is not None:
            data[name] = str(value)
    if action:
        data["action"] = action
    return data


def responses():
    return list(_db.session.scalars(select(Response).execution_options(populate_existing=True)))
