"""The roster imports revision: its table, a nullable password hash, and back again."""

from datetime import UTC, datetime

from sqlalchemy import inspect, text

BEFORE = "e5a7c3f19b42"
REVISION = "3b8e1f0c9a27"
NOW = datetime(2026, 12, 6, 19, 30, tzinfo=UTC).replace(tzinfo=None)


def test_invited_accounts_keep_no_hash_and_get_an_unusable_one_on_a_downgrade(
        alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO \"user\" (email, name, organisation, country, country_as_entered,"
            " job_title, password_hash, is_active, created_at) VALUES ('new@example.org',"
            " 'New', '', '', '', '', NULL, :yes, :t)"), {"t": NOW, "yes": True})
    assert "roster_import" in inspect(alembic_engine).get_table_names()

    alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.begin() as connection:
        assert connection.execute(text(
            "SELECT password_hash FROM \"user\" WHERE email = 'new@example.org'")
        ).scalar_one() == "!"
    assert "roster_import" not in inspect(alembic_engine).get_table_names()
