"""Password hashing and the password policy.

The policy follows NIST SP 800-63B: a minimum length, a generous maximum, no composition
rules, and a refusal of passwords that are known to be common.
"""

from functools import cache

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from learning.config import Config

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORD_COUNT = 3000
PRODUCTION_HASH_METHOD = Config.PASSWORD_HASH_METHOD


def hash_password(password: str) -> str:
    """Hash a password with scrypt, a memory-hard key derivation function.

    At the application's PASSWORD_HASH_METHOD: the production cost everywhere but the test
    suite, which hashes thousands of passwords and sets a cheap one (config.TestingConfig).
    """
    return generate_password_hash(password, method=hash_method())


def hash_method() -> str:
    """The scrypt setting new hashes are made with (the production one outside an app)."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", PRODUCTION_HASH_METHOD)
    return PRODUCTION_HASH_METHOD


def placeholder_hash() -> str:
    """A hash of a password nobody has, checked when an account is unknown.

    Made at the cost real hashes are made with, or the time a refusal takes would tell
    which addresses have accounts.
    """
    return _placeholder_hash(hash_method())


@cache
def _placeholder_hash(method: str) -> str:
    return generate_password_hash("an unguessable placeholder for unknown accounts", method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if the password matches the stored hash; never without one (an invited account).

    Without a hash the placeholder is checked all the same, so that the answer takes as long.
    """
    if not password_hash:
        check_password_hash(placeholder_hash(), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, from zxcvbn's frequency list (ranked by popularity)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORD_COUNT])


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why the password is not acceptable, or None if it is."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _l("This password is too common. Choose one that is harder to guess.")
    if email and lowered == email.strip().lower():
        return _l("Do not use your email address as your password.")
    if name and lowered == name.strip().lower():
        return _l("Do not use your name as your password.")
    return None
