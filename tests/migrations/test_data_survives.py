"""Upgrading a database that holds data keeps the data, on SQLite too (batch rebuilds)."""

from datetime import UTC, datetime

from sqlalchemy import text

INITIAL = "cdff81df66ba"
NOW = datetime(2024, 2, 21, 12, 0, tzinfo=UTC).replace(tzinfo=None)


def test_upgrading_a_populated_database_keeps_its_rows(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(INITIAL)
    with alembic_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO course (id, slug, title, summary, description, issuers, is_published,"
            " created_at, updated_at) VALUES (1, 'c', 'Course', '', '', '[]', true, :t, :t)"
        ), {"t": NOW})
        connection.execute(text(
            "INSERT INTO \"user\" (id, email, name, organisation, country, job_title,"
            " password_hash, is_active, created_at)"
            " VALUES (1, 'p@example.org', 'P', '', '', '', 'x', true, :t)"
        ), {"t": NOW})
        connection.execute(text(
            "INSERT INTO instrument (id, course_id, slug, title, level, is_before_after,"
            " introduction, scale_labels) VALUES (1, 1, 'i', 'I', 'individual', false, '',"
            " '[\"1\", \"2\", \"3\", \"4\", \"5\"]')"
        ))
        connection.execute(text(
            "INSERT INTO dimension (id, instrument_id, slug, position, title, description,"
            " helpful_items) VALUES (1, 1, 'd', 1, 'D', '', '[]')"
        ))
        connection.execute(text(
            "INSERT INTO module (id, course_id, slug, position, title, speakers, summary,"
            " outcomes, is_published) VALUES (1, 1, 'm', 1, 'M', '[]', '', '[]', true)"
        ))
        connection.execute(text(
            "INSERT INTO item (id, module_id, slug, position, kind, title, is_required, minutes,"
            " transcript_completes, instrument_id)"
            " VALUES (1, 1, 's', 1, 'self_assessment', 'S', true, 5, false, 1)"
        ))
        connection.execute(text(
            "INSERT INTO certificate (id, user_id, course_id, code, recipient_name,"
            " course_title, cohort_name, completed_on, learning_hours, issuers, issued_at)"
            " VALUES (1, 1, 1, 'ABCD', 'P', 'Course', '', '2024-03-27', 1.5, '[]', :t)"
        ), {"t": NOW})
    alembic_runner.migrate_up_to("heads")
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM certificate")).scalar() == 1
        # The certificate issued before completions were recorded becomes one, as issued.
        completed = connection.execute(text(
            "SELECT user_id, course_id, completed_at, revoked_at FROM course_completion")).all()
        assert [(row[0], row[1], row[3]) for row in completed] == [(1, 1, None)]
        assert connection.execute(text("SELECT version FROM instrument")).scalar() == 1
        assert connection.execute(text("SELECT title FROM course")).scalar() == "Course"
        assert connection.execute(text("SELECT instrument_id FROM item")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM dimension")).scalar() == 1
