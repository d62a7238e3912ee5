"""The outbox and failed jobs revision: both tables made empty, and gone on a downgrade."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

BEFORE = "9d4b6e2a7c15"
REVISION = "6f5c06174d92"
NOW = datetime(2026, 12, 6, 19, 0, tzinfo=UTC).replace(tzinfo=None)


def test_the_outbox_takes_one_row_per_message_id_and_goes_on_a_downgrade(alembic_runner,
                                                                        alembic_engine):
    alembic_runner.migrate_up_to(BEFORE)
    alembic_runner.migrate_up_to(REVISION)
    insert = text(
        "INSERT INTO outbox_message (recipient, subject, body, kind, status, attempts,"
        " last_error, message_id, created_at, due_at) VALUES ('pat@example.org', 'S', 'B',"
        " 'reminder', 'pending', 0, '', :message_id, :t, :t)")
    with alembic_engine.begin() as connection:
        connection.execute(insert, {"message_id": "<1@example.org>", "t": NOW})
        connection.execute(text(
            "INSERT INTO failed_job (name, arguments, error, attempts, failed_at)"
            " VALUES ('learning.mail.sending.send_message', '[1]', 'E', 6, :t)"), {"t": NOW})
    with pytest.raises(IntegrityError), alembic_engine.begin() as connection:
        connection.execute(insert, {"message_id": "<1@example.org>", "t": NOW})

    alembic_runner.migrate_down_to(BEFORE)
    tables = set(inspect(alembic_engine).get_table_names())
    assert not {"outbox_message", "failed_job"} & tables
