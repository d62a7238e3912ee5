"""Status list positions: from a counter, in constant time, distinct under racing issues."""

import re

import pytest
from sqlalchemy import func, select

from learning import create_app
from learning.catalog.models import Course
from learning.certificates import services, status
from learning.certificates.models import Certificate
from learning.config import TestingConfig
from learning.database import db
from learning.progress import services as progress
from tests import factories
from tests.concurrency import race

# A statement that reads every certificate's position (what issuing did before the counter).
_EVERY_POSITION = re.compile(r"SELECT\s+certificate\.status_index\s+FROM\s+certificate\s*$",
                             re.IGNORECASE)


@pytest.mark.parametrize("size", [1, 2, 7, 1000, 4096])
def test_positions_are_a_permutation_of_the_list(app, size):
    assert sorted(status.status_index(n, size) for n in range(size)) == list(range(size))


def test_numbers_repeat_the_order_every_list_length(app):
    assert status.status_index(3, 1000) == status.status_index(1003, 1000)


def test_the_order_is_shuffled_and_keyed_with_the_secret(app):
    first = [status.status_index(n) for n in range(1, 200)]
    assert len(set(first)) == len(first)
    assert all(0 <= index < status.STATUS_LIST_SIZE for index in first)
    assert first != sorted(first)
    neighbours = sum(abs(a - b) == 1 for a, b in zip(first, first[1:], strict=False))
    assert neighbours < 5
    app.config["SECRET_KEY"] = "another-secret"
    assert [status.status_index(n) for n in range(1, 200)] != first


def test_the_counter_counts_from_one(app, db):
    assert [status.next_number() for _ in range(3)] == [1, 2, 3]
    db.session.commit()
    assert status.next_number() == 4


def _complete(user, course):
    for module in course.modules:
        for item in module.items:
            progress.mark_complete(user.id, item, "read")


def _course_with_participants(count, slug="status"):
    course = factories.make_course(slug=slug)
    factories.make_module(course, slug="one")
    cohort = factories.make_cohort(course)
    users = [factories.make_user(f"p{n}@{slug}.example.org") for n in range(count)]
    for user in users:
        factories.enrol(user, cohort)
    db.session.commit()
    return course, users


def test_issuing_takes_the_positions_in_the_counters_order(app, db):
    course, users = _course_with_participants(3)
    for user in users:
        _complete(user, course)
    db.session.commit()
    indexes = [services.certificate_for(user.id, course.id).status_index for user in users]
    assert indexes == [status.status_index(n) for n in (1, 2, 3)]


def test_a_position_taken_before_the_counter_is_skipped(app, db):
    course, users = _course_with_participants(2)
    _complete(users[0], course)
    db.session.commit()
    first = services.certificate_for(users[0].id, course.id)
    # As if drawn at random before the counter: the second number's position.
    first.status_index = status.status_index(2)
    db.session.commit()
    _complete(users[1], course)
    db.session.commit()
    assert services.certificate_for(users[1].id, course.id).status_index == (
        status.status_index(3))


def _issue_counting(count_queries, course, user):
    db.session.commit()  # each count starts a transaction of its own
    with count_queries() as counter:
        _complete(user, course)
        db.session.flush()
    assert services.certificate_for(user.id, course.id) is not None
    db.session.commit()
    return counter.statements


def test_issuing_asks_the_same_whatever_the_number_of_certificates(app, db, count_queries):
    course, users = _course_with_participants(42)
    first = _issue_counting(count_queries, course, users[0])
    for user in users[1:41]:
        _complete(user, course)
    db.session.commit()
    assert db.session.scalar(select(func.count(Certificate.id))) == 41
    last = _issue_counting(count_queries, course, users[41])
    assert len(last) == len(first)
    assert not [s for s in first + last if _EVERY_POSITION.search(s.strip())]


def _racing_issues(app, workers=8):
    """Participants who completed the course, their certificates issued all at once."""
    course, users = _course_with_participants(workers, slug="race")
    for user in users:
        _complete(user, course)
    db.session.commit()
    for certificate in db.session.scalars(select(Certificate)).all():
        db.session.delete(certificate)
    db.session.commit()
    course_id, user_ids = course.id, [user.id for user in users]

    def issue(n):
        services.issue_if_due(user_ids[n], db.session.get(Course, course_id))

    assert [error for error in race(app, workers, issue) if error] == []
    indexes = db.session.scalars(select(Certificate.status_index)).all()
    assert len(indexes) == workers
    assert len(set(indexes)) == workers


def test_racing_issues_take_distinct_positions(app):
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: the file test races instead")
    _racing_issues(app)


def test_racing_issues_on_a_sqlite_file_take_distinct_positions(tmp_path):
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the PostgreSQL run races on PostgreSQL instead")
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    with app.app_context():
        db.create_all()
        _racing_issues(app)
        db.engine.dispose()
