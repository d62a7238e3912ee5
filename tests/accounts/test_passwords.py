"""Password hashes at the cost that ships, and the cheap setting the rest of the suite uses."""

import pytest
from werkzeug.security import check_password_hash

from learning import create_app
from learning.accounts import signing_in
from learning.accounts.passwords import (
    PRODUCTION_HASH_METHOD,
    hash_method,
    hash_password,
    placeholder_hash,
    verify_password,
)
from learning.config import Config, TestingConfig

PASSWORD = "lantern orchard pebble gusts"  # noqa: S105
PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "s" * 40,
              "SQLALCHEMY_DATABASE_URI": "sqlite://", "BASE_URL": "https://learn.example.org"}


def test_what_ships_is_scrypt_at_werkzeugs_full_cost():
    assert Config.PASSWORD_HASH_METHOD == PRODUCTION_HASH_METHOD == "scrypt:32768:8:1"


def test_a_production_hash_is_made_at_full_cost_and_verifies():
    app = create_app(PRODUCTION)
    with app.app_context():
        assert hash_method() == "scrypt:32768:8:1"
        hashed = hash_password(PASSWORD)
        assert placeholder_hash().startswith("scrypt:32768:8:1$")
    assert hashed.startswith("scrypt:32768:8:1$")
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD.upper())
    assert check_password_hash(hashed, PASSWORD)  # Werkzeug's own check agrees


def test_outside_an_application_the_production_cost_applies():
    assert hash_method() == PRODUCTION_HASH_METHOD


@pytest.mark.parametrize("method", [TestingConfig.PASSWORD_HASH_METHOD, "scrypt:16384:8:1",
                                    "scrypt:32768:4:1", "pbkdf2:sha256:1000", "plain", "scrypt"])
def test_anything_cheaper_is_refused_outside_the_tests(method):
    with pytest.raises(RuntimeError, match="PASSWORD_HASH_METHOD"):
        create_app({**PRODUCTION, "PASSWORD_HASH_METHOD": method})


def test_a_dearer_setting_is_allowed():
    app = create_app({**PRODUCTION, "PASSWORD_HASH_METHOD": "scrypt:65536:8:1"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt:65536:8:1"


def test_the_suite_hashes_cheaply_with_the_same_function(app):
    hashed = hash_password(PASSWORD)
    assert hashed.startswith(TestingConfig.PASSWORD_HASH_METHOD + "$")
    assert verify_password(hashed, PASSWORD)


def test_an_unknown_account_costs_a_check_at_the_cost_hashes_are_made_with(app, monkeypatch):
    checked = []
    real = signing_in.verify_password
    monkeypatch.setattr(signing_in, "verify_password",
                        lambda h, p: checked.append(h) or real(h, p))
    assert signing_in.authenticate("nobody@example.org", PASSWORD) is None
    assert [h.rpartition("$")[0].rpartition("$")[0] for h in checked] == [hash_method()]
