"""Fixtures for the accounts tests: captured mail and a registration form's data."""

import pytest

from tests.mailbox import outbox as _outbox

STRONG_PASSWORD = "lantern orchard pebble gusts"  # noqa: S105


@pytest.fixture
def outbox(app):
    """The messages written to the outbox during the test, oldest first."""
    return _outbox


@pytest.fixture
def registration():
    """Valid registration form data; tests change what they need."""
    return {
        "name": "Ada Official",
        "email": "ada@example.gov",
        "organisation": "Ministry of Public Service",
        "country": "BB",  # what the list sends: the ISO code
        "job_title": "Director of Training",
        "password": STRONG_PASSWORD,
        "confirm": STRONG_PASSWORD,
    }
