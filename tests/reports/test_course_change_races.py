"""Two facilitators changing the same course at once (issue #22, bad input): each change leaves
a participant complete only together with the other; the second to commit sees the first and
certifies them, exactly once, and no progress is lost."""

import pytest
from sqlalchemy import func, select

from learning import create_app
from learning.catalog.models import Item
from learning.certificates.models import Certificate
from learning.config import TestingConfig
from learning.content import writing
from learning.database import db
from learning.progress import completion
from learning.progress import services as progress
from learning.progress.models import Progress
from tests.concurrency import race
from tests.factories import enrol, make_cohort, make_course, make_module, make_user


def _races(app, rounds: int = 3):
    for round_ in range(rounds):
        course = make_course(f"race-{round_}", "Racing course")
        module = make_module(course, "one")
        cohort = make_cohort(course, "Racers", f"RACE{round_:04d}X")
        user = make_user(f"racer{round_}@example.org")
        enrol(user, cohort)
        db.session.flush()
        first, second, third = module.items
        for item in (first, second, third):
            item.is_required = True
        db.session.flush()
        # Complete but for the two items the facilitators archive, one each, at once.
        progress.mark_complete(user.id, first, "test")
        db.session.commit()
        ids = [second.id, third.id]
        user_id, course_id = user.id, course.id

        def archive(n, ids=ids):
            writing.set_archived(db.session.get(Item, ids[n]), True)

        assert race(app, 2, archive) == [None, None]
        db.session.expire_all()
        assert completion.meets_the_rule(user_id, course_id)
        assert db.session.scalar(select(func.count(Certificate.id)).where(
            Certificate.course_id == course_id, Certificate.user_id == user_id)) == 1
        assert db.session.scalar(select(func.count(Progress.id)).where(
            Progress.user_id == user_id)) == 1


def test_two_facilitators_archiving_at_once_certify_exactly_once(app):
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: the file test races instead")
    _races(app)


def test_two_facilitators_archiving_at_once_on_a_sqlite_file(tmp_path):
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the PostgreSQL run races on PostgreSQL instead")
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
                      "INSTANCE_DIR": str(tmp_path), "MEDIA_ROOT": str(tmp_path / "media"),
                      "ISSUER_KEY_PATH": str(tmp_path / "issuer-key.pem")})
    with app.app_context():
        db.create_all()
        _races(app)
        db.session.remove()
        db.engine.dispose()
