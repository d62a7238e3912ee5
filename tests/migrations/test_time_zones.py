"""The time zone revision: existing cohorts take the default, certificates keep their dates."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

BEFORE = "7c3e9a1f5b20"
REVISION = "b0c3a35a29c1"
NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC).replace(tzinfo=None)
LONG_NAME = "Maria-Fernanda " * 9 + "de la Trinidad"  # 149 characters


def populate(connection):
    connection.execute(text(
        "INSERT INTO course (id, slug, title, summary, description, issuers, is_published,"
        " created_at, updated_at, outline_version)"
        " VALUES (1, 'c', 'Course', '', '', '[]', true, :t, :t, '1')"
    ), {"t": NOW})
    connection.execute(text(
        "INSERT INTO \"user\" (id, email, name, organisation, country, job_title,"
        " password_hash, is_active, created_at)"
        " VALUES (1, 'p@example.org', 'P', '', '', '', 'x', true, :t)"
    ), {"t": NOW})
    connection.execute(text(
        "INSERT INTO cohort (id, course_id, name, join_code, is_open, created_at)"
        " VALUES (1, 1, 'Cohort', 'JOINME2024', true, :t)"
    ), {"t": NOW})
    connection.execute(text(
        "INSERT INTO certificate (id, user_id, course_id, cohort_id, code, status_index,"
        " recipient_name, course_title, cohort_name, completed_on, learning_hours, issuers,"
        " issued_at) VALUES (1, 1, 1, 1, 'ABCD', 7, 'P', 'Course', 'Cohort', '2024-03-01',"
        " 1.5, '[]', :t)"
    ), {"t": NOW})


def test_existing_rows_get_a_time_zone_and_keep_their_dates(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        assert connection.execute(text("SELECT time_zone FROM cohort")).scalar() == (
            "America/Port_of_Spain")
        row = connection.execute(text(
            "SELECT time_zone, completed_on FROM certificate")).one()
        assert row.time_zone == "UTC"
        assert str(row.completed_on) == "2024-03-01"
        connection.execute(text("UPDATE \"user\" SET name = :name"), {"name": LONG_NAME})
        connection.execute(text("UPDATE certificate SET recipient_name = :name"),
                           {"name": LONG_NAME})
        assert connection.execute(text("SELECT name FROM \"user\"")).scalar() == LONG_NAME


def test_downgrading_refuses_to_cut_a_long_name(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        connection.execute(text("UPDATE \"user\" SET name = :name"), {"name": LONG_NAME})
    with pytest.raises(RuntimeError, match="user.name holds a name of 149 characters"):
        alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.begin() as connection:
        connection.execute(text("UPDATE \"user\" SET name = 'P'"))
    alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM \"user\"")).scalar() == "P"
        assert connection.execute(text("SELECT count(*) FROM certificate")).scalar() == 1
