"""Fixtures for the accounts tests: captured mail and a registration form's data."""

import pytest

from learning.accounts import mail

STRONG_PASSWORD = "lantern orchard pebble gusts"  # noqa: S105


@pytest.fixture
def outbox():
    """Messages sent during the test (TESTING sends to mail.outbox)."""
    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()


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
