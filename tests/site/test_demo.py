import pytest
from sqlalchemy import func, select

from learning.accounts.models import User
from learning.assessments import asked, personal
from learning.assessments.models import Response
from learning.catalog.models import Course
from learning.cohorts.models import Cohort, Enrolment
from learning.config import ROOT
from learning.content.importer import import_content
from learning.database import db
from learning.progress import completion
from learning.progress.models import Progress
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_course, make_module

BENCH_PASSWORD = "synthetic participants' shared secret"


@pytest.fixture
def course(app):
    course = make_course(slug="series")
    make_module(course, slug="first", position=1)
    make_module(course, slug="second", position=2)
    db.session.commit()
    return course


def synthetic_emails() -> list[str]:
    return list(db.session.scalars(
        select(User.email).where(User.email.like("synthetic-%")).order_by(User.id)
    ))


def count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_generate_creates_an_enrolled_cohort_with_progress(runner, course):
    result = runner.invoke(args=["demo", "generate", "--participants", "25"])

    assert result.exit_code == 0, result.output
    cohort = db.session.scalars(select(Cohort)).one()
    assert result.stdout == (f"Created {cohort.name} (25 participants), "
                             f"join code {cohort.join_code}.\n")
    assert cohort.course_id == course.id
    assert len(synthetic_emails()) == 25
    assert count(Enrolment.id) == 25
    assert count(Progress.id) > 25


def test_generated_participants_share_an_unknown_password_by_default(runner, course, client,
                                                                    auth):
    runner.invoke(args=["demo", "generate", "--participants", "3"])

    response = auth.login(synthetic_emails()[0], DEFAULT_PASSWORD)

    assert response.status_code == 200  # the form again, with its error


def test_password_file_sets_the_participants_password(runner, course, client, auth, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text(BENCH_PASSWORD + "\n")

    result = runner.invoke(args=["demo", "generate", "--participants", "3",
                                 "--password-file", str(password_file)])

    assert result.exit_code == 0, result.output
    assert BENCH_PASSWORD not in result.output
    for email in synthetic_emails():
        response = auth.login(email, BENCH_PASSWORD)
        assert response.status_code == 302
        assert response.headers["Location"] == "/learning"
        auth.logout()


@pytest.mark.parametrize(("content", "message"), [
    ("", "has no password on its first line"),
    ("\nsecond line\n", "has no password on its first line"),
    ("short\n", "Use at least 12 characters."),
    ("qwerty123456\n", "This password is too common."),
])
def test_a_bad_password_file_is_refused_and_creates_nothing(runner, course, tmp_path,
                                                            content, message):
    password_file = tmp_path / "password"
    password_file.write_text(content)

    result = runner.invoke(args=["demo", "generate", "--participants", "3",
                                 "--password-file", str(password_file)])

    assert result.exit_code == 1
    assert message in result.stderr
    assert synthetic_emails() == []
    assert count(Cohort.id) == 0


def test_a_missing_password_file_is_a_usage_error(runner, course, tmp_path):
    result = runner.invoke(args=["demo", "generate", "--password-file",
                                 str(tmp_path / "nowhere")])

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert count(Cohort.id) == 0


def test_generate_without_a_course_says_to_import_one(runner, app):
    result = runner.invoke(args=["demo", "generate", "--participants", "3"])

    assert result.exit_code == 1
    assert "No course found" in result.stderr


def test_generated_self_assessments_follow_the_baseline_rule_and_show_shifts(runner, app):
    # The course as shipped: every instrument is taken before and after.
    import_content(ROOT / "modules")
    db.session.commit()
    result = runner.invoke(args=["demo", "generate", "--participants", "60"])
    assert result.exit_code == 0, result.output

    rows = list(db.session.scalars(select(Response)))
    befores = [r for r in rows if r.phase == "before"]
    afters = [r for r in rows if r.phase == "after"]
    assert befores and afters and all(r.is_baseline for r in befores)
    assert all(r.status == "submitted" for r in rows)
    # "after" only for people who completed the rest of the course.
    course = db.session.scalar(select(Course))
    for user_id in {r.user_id for r in afters}:
        assert completion.is_course_complete(user_id, course.id)
        for instrument in asked.instruments_of(course):
            shift = personal.results(user_id, instrument).shift
            if shift is not None:
                assert all(-25 <= row.change <= 25 for row in shift)
    with_baseline = [r for r in afters
                     if any(b.user_id == r.user_id and b.instrument_id == r.instrument_id
                            for b in befores)]
    assert with_baseline
