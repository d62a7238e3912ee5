"""The countries revision: free text becomes ISO codes, and what names no country is kept."""

from datetime import UTC, datetime

from sqlalchemy import inspect, text

BEFORE = "c4e8d2a61f07"
REVISION = "3b7c2bd5d3bc"
NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC).replace(tzinfo=None)
TYPED = ["barbados", " Barbados ", "BARBADOS", "BB", "Jamaica", "Atlantis", "", "St Lucia",
         "brb", "Netherlands Antilles"]


def populate(connection):
    for number, country in enumerate(TYPED, start=1):
        connection.execute(text(
            "INSERT INTO \"user\" (id, email, name, organisation, country, job_title,"
            " password_hash, is_active, created_at)"
            " VALUES (:id, :email, 'P', '', :country, '', 'x', true, :t)"
        ), {"id": number, "email": f"p{number}@example.org", "country": country, "t": NOW})


def countries(connection) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(
        "SELECT country, country_as_entered FROM \"user\" ORDER BY id"))]


def test_texts_become_codes_and_what_names_no_country_is_kept(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.connect() as connection:
        assert countries(connection) == [
            ("BB", ""), ("BB", ""), ("BB", ""), ("BB", ""),  # one country, however typed
            ("JM", ""),
            ("", "Atlantis"),  # kept, for an admin to choose the country
            ("", ""),
            ("LC", ""), ("BB", ""),
            ("", "Netherlands Antilles"),  # three countries today: none is guessed
        ]


def test_the_downgrade_writes_names_back_and_the_kept_text(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    with alembic_engine.begin() as connection:
        populate(connection)
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.begin() as connection:
        # Someone chose a country for the person who had typed a name nobody knew.
        connection.execute(text(
            "UPDATE \"user\" SET country = 'CW', country_as_entered = '' WHERE id = 10"))
    alembic_runner.migrate_down_to(BEFORE)
    with alembic_engine.connect() as connection:
        rows = [row[0] for row in connection.execute(text(
            "SELECT country FROM \"user\" ORDER BY id"))]
        assert rows == ["Barbados", "Barbados", "Barbados", "Barbados", "Jamaica", "Atlantis",
                        "", "St Lucia", "Barbados", "Curaçao"]
        columns = {column["name"] for column in inspect(connection).get_columns("user")}
        assert "country_as_entered" not in columns
    alembic_runner.migrate_up_to(REVISION)
    with alembic_engine.connect() as connection:
        assert countries(connection)[5] == ("", "Atlantis")
        assert countries(connection)[9] == ("CW", "")
