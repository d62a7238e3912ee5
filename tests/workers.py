"""A database of its own for each pytest-xdist worker, on PostgreSQL.

`make test` runs the suite in parallel processes (pytest-xdist). On SQLite each process has
its own in-memory database already; on PostgreSQL every process would otherwise empty and
fill the same tables as the others. So each worker takes a database named after the one in
TEST_DATABASE_URL and its own id (`test_gw0`, `test_gw1`...), made on the same server if
missing, and points TEST_DATABASE_URL at it before the application's settings are read.
A run without workers uses TEST_DATABASE_URL as given.
"""

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def database_for_worker(url: str, worker: str) -> str:
    """The URL of the worker's own database beside the one `url` names."""
    base = make_url(url)
    return base.set(database=f"{base.database}_{worker}").render_as_string(hide_password=False)


def use_own_database() -> None:
    """Point TEST_DATABASE_URL at this worker's own database, made if missing."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("TEST_DATABASE_URL")
    if not worker or not url or make_url(url).get_backend_name() != "postgresql":
        return
    own = database_for_worker(url, worker)
    name = make_url(own).database
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    os.environ["TEST_DATABASE_URL"] = own
