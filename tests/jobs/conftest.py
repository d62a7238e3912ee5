"""Job tests that need a course run in the shared world of tests/catalog/world.py."""

from tests.catalog.world import sign_in_as, world  # noqa: F401
