"""The status counter revision: the counter starts after the certificates already issued,
and going down and up again keeps every certificate's position."""

from datetime import UTC, datetime

from sqlalchemy import text

BEFORE = "473ebfcefb27"
REVISION = "9d4b6e2a7c15"
NOW = datetime(2024, 3, 27, 12, 0, tzinfo=UTC).replace(tzinfo=None)


def populate(connection):
    connection.execute(text(
        "INSERT INTO course (id, slug, title, summary, description, issuers, is_published,"
        " created_at, updated_at, outline_version)"
        " VALUES (1, 'c', 'Course', '', '', '[\"CARICAD\"]', true, :t, :t, '1')"
    ), {"t": NOW})
    for n in (1, 2, 7):
        connection.execute(text(
            "INSERT INTO \"user\" (id, email, name, organisation, country, job_title,"
            " country_as_entered, password_hash, is_active, created_at)"
            " VALUES (:n, :email, 'P', '', '', '', '', 'x', true, :t)"
        ), {"n": n, "email": f"p{n}@example.org", "t": NOW})
        connection.execute(text(
            "INSERT INTO certificate (id, user_id, course_id, code, status_index,"
            " recipient_name, course_title, cohort_name, completed_on, learning_hours,"
            " issuers, issued_at, time_zone) VALUES (:n, :n, 1, :code, :index, 'P', 'Course',"
            " '', '2024-03-27', 1.5, '[\"CARICAD\"]', :t, 'UTC')"
        ), {"n": n, "code": f"CODE{n}", "index": 1000 + n, "t": NOW})


def _next_number(connection) -> int:
    """The next number the application would take, as `certificates.status` takes it."""
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SELECT nextval('certificate_status_number')")).scalar()
    return connection.execute(text(
        "UPDATE certificate_status_counter SET allocated = allocated + 1 RETURNING allocated"
    )).scalar()


def test_the_counter_starts_after_the_highest_certificate(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        assert connection.execute(text(
            "SELECT id, allocated FROM certificate_status_counter")).all() == [(1, 7)]
        assert _next_number(connection) == 8
        assert _next_number(connection) == 9


def test_an_empty_database_starts_the_counter_at_one(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        assert _next_number(connection) == 1


def test_down_and_up_again_keeps_every_position(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.connect() as connection:
        assert connection.execute(text(
            "SELECT status_index FROM certificate ORDER BY id")).scalars().all() == [
            1001, 1002, 1007]
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        assert _next_number(connection) == 8
