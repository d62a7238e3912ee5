"""Sign-in defences: guesses are slowed where they come from, and never lock the owner out.

Three limits apply to sign-in attempts (POST /sign-in); past any of them the answer is 429,
"Too many attempts", and the password is not checked, so a refused attempt tells nothing:

1. Per client address (`SIGN_IN_RATE_LIMIT`, every attempt): one address trying many
   accounts.
2. Per account and client address (`SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT`, every attempt):
   one address guessing at one account. It slows the guesser only: the owner, at another
   address, signs in as usual, while the guesser stays throttled.
3. Per account, from any address (`SIGN_IN_ACCOUNT_RATE_LIMIT`, failed attempts only):
   many addresses guessing at one account, each a few times. Its default is above the
   second's, so one address alone cannot reach it. Past it, the account is throttled for
   every browser except one that has signed in to it before: a successful sign-in leaves a
   signed cookie naming the account (`KNOWN_DEVICE_COOKIE`, a year), and such a browser
   is held to limits 1 and 2 only. Anyone else is shown the way in that guessing cannot
   use: "Forgotten your password?" emails the owner a link that signs them in.

So a stranger's wrong guesses never keep the owner out: from the stranger's address they
throttle the stranger; from many addresses, the owner's own browser still signs in, and any
browser through the emailed link. Accounts are named by a hash of their normalised address
(any letter case, spaces trimmed), whether or not the account exists, so that the limits
behave alike for every address. Counts are kept in the rate limiter's storage (Redis when
`REDIS_URL` is set), shared by every server.
"""

import hashlib

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many

from learning.accounts.models import email_key
from learning.extensions import limiter

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "known-device"
KNOWN_DEVICE_SECONDS = 365 * 86_400
# Accounts one browser is remembered for (a shared computer signs several people in).
KNOWN_DEVICE_ACCOUNTS = 5
_FAILURES = "sign-in-failures"


def account_key(email: str) -> str:
    """The account a sign-in names, hashed: the same for any spelling of the address."""
    return hashlib.sha256(email_key(email).encode()).hexdigest()


def account_address_key(email: str, address: str | None) -> str:
    """The account and the client address an attempt comes from, together."""
    return f"{account_key(email)}:{address or ''}"


def _failure_limits():
    return parse_many(current_app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"])


def _counting() -> bool:
    return bool(limiter.enabled and limiter.initialized)


def account_throttled(email: str) -> bool:
    """Whether the account has had as many failed sign-ins as it may, from anywhere."""
    if not _counting():
        return False
    key = account_key(email)
    return not all(limiter.limiter.test(limit, _FAILURES, key) for limit in _failure_limits())


def record_failure(email: str) -> None:
    """Count a failed sign-in against the account, whichever address it came from."""
    if not _counting():
        return
    key = account_key(email)
    for limit in _failure_limits():
        limiter.limiter.hit(limit, _FAILURES, key)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=KNOWN_DEVICE_SALT)


def _known_accounts() -> list[str]:
    cookie = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not cookie:
        return []
    try:
        accounts = _serializer().loads(cookie)
    except BadSignature:
        return []
    if not isinstance(accounts, list):
        return []
    return [key for key in accounts if isinstance(key, str)]


def is_known_device(email: str) -> bool:
    """Whether this browser has signed in to the account before (its signed cookie says so)."""
    return account_key(email) in _known_accounts()


def remember_device(response: Response, email: str) -> Response:
    """Mark this browser as one that signed in to the account, most recent first."""
    key = account_key(email)
    accounts = [key] + [known for known in _known_accounts() if known != key]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE, _serializer().dumps(accounts[:KNOWN_DEVICE_ACCOUNTS]),
        max_age=KNOWN_DEVICE_SECONDS, httponly=True, samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
    return response
