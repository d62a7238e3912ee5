"""The response groups revision: submitted answers take their respondent's profile, drafts none."""

from datetime import UTC, datetime

from sqlalchemy import text

BEFORE = "6f5c06174d92"
REVISION = "9d4e1b7a2c60"
NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC).replace(tzinfo=None)


def populate(connection):
    connection.execute(text(
        "INSERT INTO course (id, slug, title, summary, description, issuers, is_published,"
        " created_at, updated_at, outline_version)"
        " VALUES (1, 'c', 'Course', '', '', '[]', true, :t, :t, '1')"
    ), {"t": NOW})
    for number, country, organisation in ((1, "BB", "Treasury"), (2, "JM", "Health")):
        connection.execute(text(
            "INSERT INTO \"user\" (id, email, name, organisation, country, country_as_entered,"
            " job_title,"
            " password_hash, is_active, created_at)"
            " VALUES (:n, :email, 'P', :organisation, :country, '', '', 'x', true, :t)"
        ), {"n": number, "email": f"p{number}@example.org", "organisation": organisation,
            "country": country, "t": NOW})
    connection.execute(text(
        "INSERT INTO instrument (id, course_id, slug, title, level, is_before_after,"
        " introduction, scale_labels, version)"
        " VALUES (1, 1, 'i', 'I', 'individual', false, '', '[]', 1)"))
    for number, status, submitted in ((1, "submitted", NOW), (2, "draft", None)):
        connection.execute(text(
            "INSERT INTO assessment_response (id, user_id, instrument_id, phase, status,"
            " version, snapshot, started_at, updated_at, submitted_at, is_baseline)"
            " VALUES (:n, :n, 1, 'single', :status, 1, '{}', :t, :t, :submitted, false)"
        ), {"n": number, "status": status, "t": NOW, "submitted": submitted})


def test_submitted_answers_take_the_profile_and_drafts_nothing(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        rows = connection.execute(text(
            "SELECT id, country, organisation FROM assessment_response ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, "BB", "Treasury"), (2, None, None)]
        # A later profile edit moves nothing.
        connection.execute(text("UPDATE \"user\" SET country = 'JM' WHERE id = 1"))
        assert connection.execute(text(
            "SELECT country FROM assessment_response WHERE id = 1")).scalar() == "BB"
    alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assessment_response")).scalar() == 2
