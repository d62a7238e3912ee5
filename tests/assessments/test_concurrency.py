"""Replays racing each other: one submission wins, the others are refused."""


import pytest
from sqlalchemy import func, select

from learning import create_app
from learning.assessments import answering, asked, phases
from learning.assessments.models import Answer, Response
from learning.catalog.models import Item
from learning.config import TestingConfig
from learning.database import db
from learning.instruments.models import Instrument
from learning.progress import services as progress
from tests import factories
from tests.concurrency import race


def _race(app, user_id, item_id, instrument_id, workers=6):
    completed = []

    def listener(sender, user_id, item):
        completed.append(user_id)

    def submit(n):
        instrument = db.session.get(Instrument, instrument_id)
        item = db.session.get(Item, item_id)
        keys = answering.statement_keys(asked.snapshot(instrument))
        answering.save_response(user_id, instrument, item, "single",
                               dict.fromkeys(keys, 1 + n % 5), True)

    progress.item_completed.connect(listener)
    try:
        errors = race(app, workers, submit)
    finally:
        progress.item_completed.disconnect(listener)
    outcomes = ["submitted" if error is None
                else "refused" if isinstance(error, phases.AlreadySubmitted)
                else repr(error) for error in errors]
    assert sorted(outcomes) == ["refused"] * (workers - 1) + ["submitted"]
    assert completed == [user_id]
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert len(set(db.session.scalars(select(Answer.value)))) == 1


def _world():
    course = factories.make_course()
    module = factories.make_module(course)
    user = factories.make_user()
    db.session.commit()
    item = module.items[2]
    return user.id, item.id, item.instrument_id


def test_concurrent_submissions(app):
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: the file test races instead")
    _race(app, *_world())


def test_concurrent_submissions_on_a_sqlite_file(tmp_path):
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the PostgreSQL run races on PostgreSQL instead")
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.db'}"})
    with app.app_context():
        db.create_all()
        _race(app, *_world())
        db.engine.dispose()
