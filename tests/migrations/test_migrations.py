"""Migrations: upgrade an empty database to head, no drift from the models, down and up again.

pytest-alembic's built-in tests run against the database the app is configured with
(SQLite in a temporary file, or TEST_DATABASE_URL).
"""

from pytest_alembic.tests import (  # noqa: F401 - collected as tests
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
