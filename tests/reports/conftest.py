"""A world for reports: one course with two published modules and a draft one, two cohorts
with their own managers, facilitators of this course and of another, and helpers that write
progress and certificates directly (fast, and independent of the pages under test)."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select

from learning.accounts.models import User, UserRole
from learning.accounts.passwords import hash_password
from learning.catalog.models import Item
from learning.certificates.models import Certificate
from learning.cohorts.models import Enrolment
from learning.database import db as _db
from learning.progress import completion
from learning.progress.models import Progress
from tests.catalog.world import make_user
from tests.factories import DEFAULT_PASSWORD, enrol, make_cohort, make_course, make_module

START = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)

EMAILS = {
    "manager": "manager@example.org",
    "other_manager": "other-manager@example.org",
    "facilitator": "facilitator@example.org",
    "other_facilitator": "other-facilitator@example.org",
    "admin": "admin@example.org",
    "participant": "participant@example.org",
    "managing_participant": "managing-participant@example.org",
}


@pytest.fixture
def world(app, db):
    course = make_course("mindsets", "Changing mindsets")
    one = make_module(course, "one", position=1)
    two = make_module(course, "two", position=2)
    draft = make_module(course, "draft", position=3, published=False)
    two.items[2].is_required = False  # the second module's self-assessment is optional
    other = make_course("other", "Another course")
    make_module(other, "elsewhere")

    users = {
        "manager": make_user(EMAILS["manager"], "manager", name="Mo Manager"),
        "other_manager": make_user(EMAILS["other_manager"], "manager", name="Oz Other"),
        "facilitator": make_user(EMAILS["facilitator"], "facilitator", name="Fay Facilitator"),
        "other_facilitator": make_user(EMAILS["other_facilitator"], "facilitator",
                                       name="Otto Other"),
        "admin": make_user(EMAILS["admin"], "admin", name="Ada Admin"),
        "participant": make_user(EMAILS["participant"], name="Pat Participant",
                                 organisation="Ministry of Finance", country="BB"),
        "managing_participant": make_user(EMAILS["managing_participant"], "manager",
                                          "participant", name="Max Both"),
    }
    course.facilitators.append(users["facilitator"])
    other.facilitators.append(users["other_facilitator"])
    cohort = make_cohort(course, "Cohort A", "JOINME2024")
    second = make_cohort(course, "Cohort B", "SECOND2024")
    elsewhere = make_cohort(other, "Other cohort", "OTHER20240")
    cohort.managers.append(users["manager"])
    second.managers.append(users["other_manager"])
    elsewhere.managers.append(users["managing_participant"])
    enrol(users["participant"], cohort)
    enrol(users["managing_participant"], second)
    db.session.commit()
    return SimpleNamespace(course=course, modules=[one, two, draft], other=other,
                           cohort=cohort, second=second, elsewhere=elsewhere, users=users)


@pytest.fixture
def sign_in_as(auth):
    """Sign in as one of the world's users, by the key in EMAILS."""

    def sign_in(who):
        response = auth.login(EMAILS[who])
        assert response.status_code == 302, "sign-in failed"
        return response

    return sign_in


def add_participants(cohort, count, start=0, **fields):
    """`count` participants enrolled in the cohort, inserted in bulk; returns their ids.

    `fields` may give callables of the index for organisation and country.
    """
    rows = []
    password_hash = hash_password(DEFAULT_PASSWORD)
    for n in range(start, start + count):
        row = {"email": f"p{n:05d}@example.org", "name": f"Participant {n:05d}",
               "password_hash": password_hash, "organisation": "", "country": "",
               "job_title": "", "is_active": True, "created_at": START}
        for name, value in fields.items():
            row[name] = value(n) if callable(value) else value
        rows.append(row)
    _db.session.execute(insert(User), rows)
    ids = list(_db.session.scalars(
        select(User.id).where(User.email.in_([row["email"] for row in rows])).order_by(User.id)))
    _db.session.execute(insert(UserRole), [
        {"user_id": user_id, "role": "participant", "granted_at": START} for user_id in ids])
    _db.session.execute(insert(Enrolment), [
        {"cohort_id": cohort.id, "user_id": user_id, "enrolled_at": START} for user_id in ids])
    return ids


def required(module):
    """The module's required items."""
    return [item for item in module.items if item.is_required]


def record(user_ids, items, status="complete", at=START + timedelta(days=3)):
    """Progress rows for each user on each item, in bulk."""
    rows = [
        {"user_id": user_id, "item_id": item.id, "status": status, "detail": {},
         "started_at": at, "updated_at": at,
         "completed_at": at if status == "complete" else None, "revision": 0}
        for user_id in user_ids for item in items
    ]
    if rows:
        _db.session.execute(insert(Progress), rows)


def certify(user_ids, course, issued_at):
    """An issued certificate for each user, in bulk."""
    rows = [
        {"user_id": user_id, "course_id": course.id, "code": f"CODE{user_id:08d}",
         "status_index": user_id, "recipient_name": "Someone", "course_title": course.title,
         "cohort_name": "", "completed_on": date(2024, 3, 1), "time_zone": "UTC",
         "learning_hours": 1.0,
         "issuers": [], "issued_at": issued_at, "revoked_at": None, "revocation_reason": None}
        for user_id in user_ids
    ]
    if rows:
        _db.session.execute(insert(Certificate), rows)
        # Issued with the completion it records, as the platform does.
        completion.record_many(course.id, dict.fromkeys(user_ids, issued_at))


def every_item(module) -> list[Item]:
    """All of a module's items, required or not."""
    return list(module.items)

