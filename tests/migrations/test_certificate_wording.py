"""The certificate wording revision: existing courses and certificates print the default line,
and going back refuses to drop a certificate's own wording."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

BEFORE = "5a2f8c1d9e37"
REVISION = "6427f45011e6"
NOW = datetime(2024, 3, 27, 12, 0, tzinfo=UTC).replace(tzinfo=None)


def populate(connection):
    connection.execute(text(
        "INSERT INTO course (id, slug, title, summary, description, issuers, is_published,"
        " created_at, updated_at, outline_version)"
        " VALUES (1, 'c', 'Course', '', '', '[\"CARICAD\"]', true, :t, :t, '1')"
    ), {"t": NOW})
    connection.execute(text(
        "INSERT INTO \"user\" (id, email, name, organisation, country, job_title,"
        " password_hash, is_active, created_at)"
        " VALUES (1, 'p@example.org', 'P', '', '', '', 'x', true, :t)"
    ), {"t": NOW})
    connection.execute(text(
        "INSERT INTO certificate (id, user_id, course_id, code, status_index, recipient_name,"
        " course_title, cohort_name, completed_on, learning_hours, issuers, issued_at,"
        " time_zone) VALUES (1, 1, 1, 'ABCD', 7, 'P', 'Course', '', '2024-03-27', 1.5,"
        " '[\"CARICAD\"]', :t, 'UTC')"
    ), {"t": NOW})


def test_existing_courses_and_certificates_keep_the_default_line(alembic_runner,
                                                                 alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        assert connection.execute(text("SELECT certificate_wording FROM course")).one() == (
            None,)
        row = connection.execute(text(
            "SELECT wording, course_title, issuers FROM certificate")).one()
        assert (row.wording, row.course_title) == (None, "Course")
        connection.execute(text("UPDATE course SET certificate_wording = 'has attended'"))
    alembic_runner.migrate_down_to(BEFORE)  # no certificate has a wording of its own
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM course")).scalar() == "Course"
        assert connection.execute(text("SELECT count(*) FROM certificate")).scalar() == 1


def test_downgrading_refuses_to_drop_a_certificates_own_wording(alembic_runner,
                                                               alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        connection.execute(text("UPDATE certificate SET wording = 'has attended'"))
    with pytest.raises(RuntimeError, match="1 certificate"):
        alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT wording FROM certificate")).scalar() == (
            "has attended")
    with alembic_engine.begin() as connection:
        connection.execute(text("UPDATE certificate SET wording = NULL"))
    alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM certificate")).scalar() == 1
