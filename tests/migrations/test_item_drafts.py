"""The item drafts revision: every existing item is published; downgrading keeps drafts hidden."""

from datetime import UTC, datetime

from sqlalchemy import text

BEFORE = "5a2f8c1d9e37"
REVISION = "473ebfcefb27"
NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC).replace(tzinfo=None)


def populate(connection):
    connection.execute(text(
        "INSERT INTO course (id, slug, title, summary, description, issuers, is_published,"
        " created_at, updated_at, outline_version)"
        " VALUES (1, 'c', 'Course', '', '', '[]', true, :t, :t, '1')"
    ), {"t": NOW})
    connection.execute(text(
        "INSERT INTO module (id, course_id, slug, position, title, speakers, summary,"
        " outcomes, is_published, is_archived) VALUES (1, 1, 'm', 1, 'M', '[]', '', '[]',"
        " true, false)"
    ))
    for number in (1, 2, 3):
        connection.execute(text(
            "INSERT INTO item (id, module_id, slug, position, kind, title, is_required,"
            " minutes, transcript_completes, body_html, is_archived)"
            " VALUES (:n, 1, :slug, :n, 'reading', 'R', true, 5, false, '<p>R</p>', :archived)"
        ), {"n": number, "slug": f"r{number}", "archived": number == 3})


def rows(connection, columns):
    return connection.execute(text(f"SELECT id, {columns} FROM item ORDER BY id")).all()


def test_existing_items_are_published_and_a_downgrade_archives_drafts(alembic_runner,
                                                                     alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        assert [tuple(row) for row in rows(connection, "is_published")] == [
            (1, True), (2, True), (3, True)]
        connection.execute(text("UPDATE item SET is_published = false WHERE id = 2"))

    alembic_runner.migrate_down_to(BEFORE)

    # The draft cannot stay a draft: it is archived, hidden from participants as it was.
    with alembic_engine.connect() as connection:
        assert [tuple(row) for row in rows(connection, "is_archived")] == [
            (1, False), (2, True), (3, True)]
