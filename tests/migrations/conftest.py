import pytest
from pytest_alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, text

from learning import create_app
from learning.config import ROOT, TestingConfig


@pytest.fixture
def alembic_config():
    return AlembicConfig(config_options={"file": str(ROOT / "migrations" / "alembic.ini"),
                                         "script_location": str(ROOT / "migrations")})


@pytest.fixture
def alembic_engine(tmp_path):
    """An empty database: a fresh SQLite file, or the test PostgreSQL emptied first."""
    url = TestingConfig.SQLALCHEMY_DATABASE_URI
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield engine
    engine.dispose()
