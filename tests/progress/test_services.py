
import pytest
from sqlalchemy import select

from learning import create_app
from learning.catalog.models import Item
from learning.config import TestingConfig
from learning.database import db, single_statement_write
from learning.progress import completion, rules, services
from learning.progress.models import Progress
from tests import factories
from tests.concurrency import race

# Reports here are about merging and writing; tests/progress/test_pace.py times them.
pytestmark = pytest.mark.usefixtures("unhurried")


@pytest.fixture
def recording(app):
    course = factories.make_course()
    module = factories.make_module(course)
    user = factories.make_user()
    db.session.commit()
    return user, module.items[0], module


def test_watching_merges_and_completes_at_the_threshold(recording):
    user, item, _ = recording
    row = services.record_watch(user.id, item, [(0, 30)], 30)
    assert row.status == rules.IN_PROGRESS
    row = services.record_watch(user.id, item, [(20, 54)], 54)
    assert row.status == rules.COMPLETE
    assert row.detail["intervals"] == [[0, 54]]
    assert row.completed_at is not None


def test_progress_never_goes_down(recording):
    user, item, _ = recording
    services.record_watch(user.id, item, [(0, 60)], 60)
    first_completed = db.session.scalar(select(Progress)).completed_at
    row = services.record_watch(user.id, item, [(0, 1)], 1)
    assert row.status == rules.COMPLETE
    assert row.detail["intervals"] == [[0, 60]]
    assert row.completed_at == first_completed


def test_a_write_from_an_unlocked_read_happens_only_if_no_other_write_came_first(recording):
    user, item, _ = recording
    seen = services.record_watch(user.id, item, [(0, 10)], 10)
    db.session.commit()
    with single_statement_write():
        written = services.record_watch_if_unchanged(seen, item, [(20, 30)], 30)
    assert written.detail["intervals"] == [[0, 10], [20, 30]]
    assert written.revision == seen.revision + 1
    with single_statement_write():  # from the same, now stale, read
        assert services.record_watch_if_unchanged(seen, item, [(40, 45)], 45) is None
    row = db.session.scalar(select(Progress))
    assert (row.detail["intervals"], row.revision) == ([[0, 10], [20, 30]], written.revision)


def test_a_completion_is_not_written_from_an_unlocked_read(recording):
    user, item, _ = recording
    seen = services.record_watch(user.id, item, [(0, 10)], 10)
    db.session.commit()
    with single_statement_write():
        assert services.record_watch_if_unchanged(seen, item, [(0, 60)], 60) is None
    assert db.session.scalar(select(Progress)).status == rules.IN_PROGRESS


def test_marking_complete_is_idempotent(recording):
    user, _, module = recording
    reading = module.items[1]
    services.mark_complete(user.id, reading, "read")
    services.mark_complete(user.id, reading, "read")
    assert db.session.scalars(select(Progress)).all()[0].status == rules.COMPLETE
    assert len(db.session.scalars(select(Progress)).all()) == 1


def test_summary_counts_required_items_and_finds_the_next_one(recording):
    user, recording_item, module = recording
    services.mark_complete(user.id, recording_item, "transcript")
    statuses = services.statuses_by_item(user.id, [i.id for i in module.items])
    assert statuses == {recording_item.id: rules.COMPLETE}
    summary = services.summarise(module.items, statuses)
    assert (summary.done, summary.total, summary.percent) == (1, 3, 33)
    assert summary.next_item == module.items[1]
    assert summary.status == rules.IN_PROGRESS


def test_an_untouched_module_is_not_started(recording):
    user, _, module = recording
    summary = services.summarise(module.items, {})
    assert summary.status == rules.NOT_STARTED
    assert summary.next_item == module.items[0]


def test_concurrent_reports_from_many_tabs_lose_no_interval(app, db, recording):
    """Threads, each on its own connection, race to report disjoint parts of one recording."""
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: the file test races instead")
    user, item, _ = recording
    _race(app, user.id, item)


def test_concurrent_reports_on_a_sqlite_file(tmp_path):
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the PostgreSQL run races on PostgreSQL instead")
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.db'}"})
    with app.app_context():
        db.create_all()
        course = factories.make_course()
        module = factories.make_module(course)
        user = factories.make_user()
        db.session.commit()
        _race(app, user.id, module.items[0])
        db.engine.dispose()


def _race(app, user_id, item, workers=8):
    item_id, duration = item.id, item.duration_seconds
    span = duration / workers

    def report(n):
        own_item = db.session.get(Item, item_id)
        services.record_watch(user_id, own_item, [(n * span, (n + 1) * span)], None)

    assert [error for error in race(app, workers, report) if error] == []
    rows = db.session.scalars(select(Progress).where(Progress.user_id == user_id)).all()
    assert len(rows) == 1
    assert rows[0].detail["intervals"] == [[0, duration]]
    assert rows[0].status == rules.COMPLETE


def test_the_course_is_complete_when_every_required_item_of_published_modules_is(recording):
    user, _, module = recording
    course = module.course
    unpublished = factories.make_module(course, slug="draft", position=2, published=False)
    optional = module.items[1]
    optional.is_required = False
    completed = []

    def listen(sender, user_id, item):
        completed.append((user_id, item.slug))

    services.item_completed.connect(listen)
    try:
        services.mark_complete(user.id, module.items[0], "transcript")
        assert not completion.is_course_complete(user.id, course.id)
        services.mark_complete(user.id, module.items[2], "assessment")
        assert completion.is_course_complete(user.id, course.id)
        services.mark_complete(user.id, module.items[2], "assessment")
    finally:
        services.item_completed.disconnect(listen)
    assert completed == [(user.id, "recording"), (user.id, "self-assessment")]
    assert unpublished.items  # its items exist, yet do not hold completion back


def test_a_course_without_required_items_is_never_complete(recording):
    user, _, module = recording
    for item in module.items:
        item.is_required = False
    assert not completion.is_course_complete(user.id, module.course.id)
