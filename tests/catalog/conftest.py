"""Catalog tests run in the shared world of tests/catalog/world.py."""

from tests.catalog.world import media, sign_in_as, world  # noqa: F401
