"""The test suite. Under pytest-xdist, each worker takes a PostgreSQL database of its own
before anything reads the settings (`tests.workers`)."""

from tests.workers import use_own_database

use_own_database()
