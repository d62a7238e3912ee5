from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from learning import create_app
from learning.accounts.models import utcnow
from learning.catalog.models import Course, Item
from learning.certificates import services, status
from learning.certificates.models import Certificate, CertificateEvent
from learning.config import TestingConfig
from learning.database import db
from learning.progress import services as progress
from learning.time_zones import local_date
from tests import factories
from tests.certificates.conftest import COURSE_TITLE, NAME, complete
from tests.concurrency import race


def test_codes_carry_100_random_bits_in_an_unambiguous_alphabet():
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 20
        assert set(code) <= set(services.CODE_ALPHABET)
    assert len(services.CODE_ALPHABET) ** services.CODE_LENGTH >= 2 ** 100
    assert not set("ILOU") & set(services.CODE_ALPHABET)


@pytest.mark.parametrize("typed", [
    "7K3M-2QXD-9PRT-V4HN-6WYA", "7k3m2qxd9prtv4hn6wya", " 7K3M 2QXD 9PRT V4HN 6WYA ",
    "7K3M\u20132QXD-9PRT-V4HN-6WYA",
])
def test_typed_codes_are_normalised(typed):
    assert services.normalise_code(typed) == "7K3M2QXD9PRTV4HN6WYA"


def test_letters_that_look_like_digits_read_as_the_digits():
    assert services.normalise_code("OOOO-IIII-LLLL-oooo-illl") == "00001111111100001111"


@pytest.mark.parametrize("typed", ["", None, "7K3M", "7K3M-2QXD-9PRT-V4HN-6WYAX",
                                   "7K3M-2QXD-9PRT-V4HN-6WY!", "UUUU-2QXD-9PRT-V4HN-6WYA",
                                   "'; drop table certificate; --"])
def test_malformed_codes_are_refused(typed):
    assert services.normalise_code(typed) is None


def test_codes_print_in_groups_of_four():
    assert services.format_code("7K3M2QXD9PRTV4HN6WYA") == "7K3M-2QXD-9PRT-V4HN-6WYA"


def test_no_certificate_before_the_last_required_item(world):
    first, second, _ = world.module.items
    progress.mark_complete(world.participant.id, first, "read")
    progress.mark_complete(world.participant.id, second, "read")
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_completing_the_last_item_issues_a_certificate_with_a_snapshot(world):
    complete(world.participant, world.module)
    certificate = db.session.scalars(select(Certificate)).one()
    assert certificate.user_id == world.participant.id
    assert certificate.recipient_name == NAME
    assert certificate.course_title == COURSE_TITLE
    assert certificate.cohort_id == world.cohort.id
    assert certificate.cohort_name == "Caribbean cohort 2024"
    assert certificate.time_zone == "America/Port_of_Spain"
    assert certificate.completed_on == local_date(certificate.issued_at, "America/Port_of_Spain")
    assert utcnow().date() - certificate.completed_on in (timedelta(0), timedelta(days=1))
    # 2 + 10 + 5 minutes of items = 17 minutes = 0.28 hours
    assert certificate.learning_hours == 0.3
    assert certificate.issuers == ["CARICAD", "UN DESA/DPIDG"]
    assert services.normalise_code(certificate.code) == certificate.code
    assert 0 <= certificate.status_index < status.STATUS_LIST_SIZE
    assert [(e.action, e.actor_id) for e in certificate.events] == [("issued", None)]


def test_the_snapshot_stays_when_names_change(world, certificate):
    world.participant.name = "Someone Else"
    world.course.title = "Renamed"
    db.session.commit()
    db.session.refresh(certificate)
    assert (certificate.recipient_name, certificate.course_title) == (NAME, COURSE_TITLE)


def test_learning_hours_count_published_modules_only(world):
    factories.make_module(world.course, slug="draft", position=2, published=False)
    long = factories.make_module(world.course, slug="two", position=3, items=False)
    long.items.append(Item(slug="r", position=1, kind="reading", title="Long", minutes=103,
                           body_html="<p>x</p>", is_required=False))
    db.session.flush()
    assert services.learning_hours(world.course) == 2.0  # (17 + 103) / 60


def test_completing_more_items_issues_nothing_more(world):
    complete(world.participant, world.module)
    code = db.session.scalars(select(Certificate.code)).one()
    services.issue_if_due(world.participant.id, world.course)
    complete(world.participant, world.module)
    assert db.session.scalars(select(Certificate.code)).all() == [code]
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == 1


def test_an_incomplete_course_is_not_due(world):
    assert services.issue_if_due(world.participant.id, world.course) is None


def test_revoking_needs_a_reason_and_changes_nothing_without_one(world, certificate):
    for reason in ("", "   ", None):
        with pytest.raises(services.CertificateError, match="reason"):
            services.revoke(certificate, world.facilitator, reason)
    assert certificate.revoked_at is None
    assert len(certificate.events) == 1


def test_revoke_then_reissue_records_who_when_and_why(world, certificate):
    services.revoke(certificate, world.facilitator, "  Completed on someone else's account ")
    db.session.commit()
    assert certificate.is_revoked
    assert certificate.revocation_reason == "Completed on someone else's account"
    with pytest.raises(services.CertificateError, match="already revoked"):
        services.revoke(certificate, world.admin, "Again")
    services.reissue(certificate, world.admin, "Checked with the ministry: it was theirs")
    db.session.commit()
    assert not certificate.is_revoked and certificate.revocation_reason is None
    assert [(e.action, e.actor_id, e.reason) for e in certificate.events] == [
        ("issued", None, None),
        ("revoked", world.facilitator.id, "Completed on someone else's account"),
        ("reissued", world.admin.id, "Checked with the ministry: it was theirs"),
    ]
    with pytest.raises(services.CertificateError, match="not revoked"):
        services.reissue(certificate, world.admin, "Again")


def test_linkedin_link_carries_the_certificate(world, certificate):
    from urllib.parse import parse_qs, urlsplit

    url = services.linkedin_url(certificate, "http://localhost/verify/X")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com",
                                                        "/profile/add")
    query = parse_qs(parts.query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [COURSE_TITLE]
    assert query["organizationName"] == ["CARICAD and UN DESA/DPIDG"]
    assert query["issueYear"] == [str(certificate.issued_at.year)]
    assert query["issueMonth"] == [str(certificate.issued_at.month)]
    assert query["certUrl"] == ["http://localhost/verify/X"]
    assert query["certId"] == [services.format_code(certificate.code)]


# Racing: each thread its own application context, so its own session and connection.

def _race(app, workers, action):
    assert [error for error in race(app, workers, action) if error] == []


def _course_of_many_items(count):
    course = factories.make_course(slug="race", title="Race")
    module = factories.make_module(course, items=False)
    for n in range(count):
        module.items.append(Item(slug=f"r{n}", position=n + 1, kind="reading", title=f"R{n}",
                                 minutes=6, body_html="<p>x</p>"))
    user = factories.make_user()
    db.session.commit()
    return course, [item.id for item in module.items], user.id


def _races(app):
    """Two races: the last items completed at once, and issuing itself called at once."""
    workers = 6
    course, item_ids, user_id = _course_of_many_items(workers)

    def complete_one(n):
        progress.mark_complete(user_id, db.session.get(Item, item_ids[n]), "read")

    _race(app, workers, complete_one)
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)).all()
    assert len(rows) == 1
    assert rows[0].learning_hours == 0.6
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == 1

    db.session.delete(rows[0])
    db.session.commit()

    course_id = course.id

    def issue(n):
        services.issue_if_due(user_id, db.session.get(Course, course_id))

    _race(app, workers, issue)
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == 1


def test_racing_completions_issue_exactly_one_certificate(app):
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: the file test races instead")
    _races(app)


def test_racing_completions_on_a_sqlite_file_issue_exactly_one(tmp_path):
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the PostgreSQL run races on PostgreSQL instead")
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    with app.app_context():
        db.create_all()
        _races(app)
        db.engine.dispose()


def test_completed_on_is_a_date(certificate):
    assert isinstance(certificate.completed_on, date)
