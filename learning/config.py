"""Configuration from the environment: one class, a testing variant beside it."""

import os
import secrets
from pathlib import Path

from learning.time_zones import DEFAULT_TIME_ZONE, is_time_zone

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _development_secret_key() -> str:
    """Generate a secret key once and keep it under instance/, for development only."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(url: str) -> str:
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants an explicit psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def default_base_url() -> str:
    """Where a development server answers: 127.0.0.1 on PORT (5000 unless set).

    `make run` exports PORT and passes the same value to `flask run`, so that the links
    printed on certificates and sent in emails point where the app serves.
    """
    port = os.environ.get("PORT", "").strip() or "5000"
    return f"http://127.0.0.1:{port}"


def _strong_hash(method: str) -> bool:
    """Whether a Werkzeug scrypt setting costs at least as much as the production one."""
    name, _, parameters = method.partition(":")
    try:
        n, r, p = (int(part) for part in parameters.split(":"))
    except ValueError:
        return False
    return name == "scrypt" and n >= 2**15 and r >= 8 and p >= 1


class Config:
    """Settings read from the environment when the application starts."""

    ENV_NAME = os.environ.get("LEARNING_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'learning.db'}")
    )
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(INSTANCE / "media"))
    # The public address in printed and emailed links: required outside development and
    # the tests (finalise refuses to start without it); unset there, default_base_url().
    BASE_URL = os.environ.get("BASE_URL", "").strip().rstrip("/") or None
    REDIS_URL = os.environ.get("REDIS_URL")
    # How many reverse proxies stand in front of the app (their X-Forwarded-* are trusted).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() != "false"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "no-reply@localhost")
    # The outbox (learning/mail): attempts before a message is failed, how long a worker may
    # hold one it took before another takes it back, and how long a pending one waits
    # before the periodic sweep queues it again.
    MAIL_MAX_ATTEMPTS = max(int(os.environ.get("MAIL_MAX_ATTEMPTS", "6")), 1)
    MAIL_CLAIM_TIMEOUT_SECONDS = max(int(os.environ.get("MAIL_CLAIM_TIMEOUT_SECONDS", "600")), 0)
    MAIL_SWEEP_AFTER_SECONDS = max(int(os.environ.get("MAIL_SWEEP_AFTER_SECONDS", "60")), 0)
    # Jobs run where they are queued, without a worker or a stored queue (the test suite).
    JOBS_IMMEDIATE = os.environ.get("JOBS_IMMEDIATE", "false").lower() == "true"
    # A course change that leaves more participants than this complete has their certificates
    # issued by a job after it commits (learning/certificates/on_change.py); fewer, with it.
    CERTIFY_IN_REQUEST_MAX = max(int(os.environ.get("CERTIFY_IN_REQUEST_MAX", "50")), 0)

    # The largest request body any page accepts (learning/core/limits.py): forms are a few
    # kilobytes. The studio's uploads declare their own, larger, limits below.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    # A reading's PDF, uploaded in the studio (a request declaring more is refused unread).
    READING_PDF_MAX_BYTES = int(os.environ.get("READING_PDF_MAX_BYTES", str(20 * 1024 * 1024)))
    # A recording's video, uploaded in the studio (likewise).
    RECORDING_MAX_BYTES = int(os.environ.get("RECORDING_MAX_BYTES", str(200 * 1024 * 1024)))
    # An image for readings, uploaded to a course's image library in the studio (likewise).
    IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))
    PASSWORD_RESET_MAX_AGE = 3600
    # An invitation (a new account's link to choose its first password) works this many days.
    INVITATION_MAX_AGE_DAYS = max(int(os.environ.get("INVITATION_MAX_AGE_DAYS", "14")), 1)
    # New password hashes: scrypt at Werkzeug's default cost (N = 2**15, r = 8, p = 1), about
    # 70 ms and 32 MiB a hash. Only the test suite sets a cheaper one (finalise refuses it
    # anywhere else); each hash records its own cost, so verifying follows the hash.
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"  # noqa: S105 - a setting, not a password
    # A signed-in session ends after this long without a request, and this long after
    # signing in however busy (learning/accounts/sessions.py).
    SESSION_IDLE_MINUTES = max(int(os.environ.get("SESSION_IDLE_MINUTES", "120")), 1)
    SESSION_MAX_HOURS = max(int(os.environ.get("SESSION_MAX_HOURS", "336")), 1)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Unset: Secure everywhere but development and the tests, which serve plain HTTP.
    SESSION_COOKIE_SECURE = (os.environ["SESSION_COOKIE_SECURE"].lower() == "true"
                             if "SESSION_COOKIE_SECURE" in os.environ else None)
    WTF_CSRF_TIME_LIMIT = None  # a form left open all afternoon still submits
    # British English: dates read "21 February 2024", as across the Commonwealth Caribbean.
    BABEL_DEFAULT_LOCALE = "en_GB"
    LANGUAGES = ["en_GB"]
    RATELIMIT_ENABLED = True
    # Sign-in limits (learning/accounts/defences.py). Per client address, every attempt:
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute")
    # Per account and client address, every attempt: slows one address guessing at one
    # account, and only that address.
    SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT",
                                                        "5 per minute; 30 per hour")
    # Per account, whatever the address, failed attempts only: slows guessing one person's
    # password from many addresses. Above the one before, so that one address cannot reach
    # it; past it, only a browser that signed in to the account before may try its password.
    SIGN_IN_ACCOUNT_RATE_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_RATE_LIMIT",
                                                "10 per minute; 60 per hour")
    # Registrations accepted per client address, and per address registered (new or taken
    # alike: each sends the address an email).
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "30 per hour")
    REGISTER_EMAIL_RATE_LIMIT = os.environ.get("REGISTER_EMAIL_RATE_LIMIT",
                                               "3 per hour; 10 per day")
    # Certificates: who signs the Open Badges credentials, where the signing key is kept
    # (default: issuer-key.pem in the instance folder), and how often anyone may verify.
    CERTIFICATE_ISSUER_NAME = os.environ.get("CERTIFICATE_ISSUER_NAME",
                                             "Changing Mindsets Learning")
    ISSUER_KEY_PATH = os.environ.get("ISSUER_KEY_PATH")
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    # Where cohorts are unless they say otherwise (an IANA name): certificates are dated there.
    DEFAULT_TIME_ZONE = os.environ.get("DEFAULT_TIME_ZONE", DEFAULT_TIME_ZONE).strip()
    # A participant who has not completed a module is emailed this many days before its due
    # date in their cohort's schedule (learning/reports/due_reminders.py).
    DUE_REMINDER_DAYS = max(int(os.environ.get("DUE_REMINDER_DAYS", "2")), 0)
    # Self-assessment results are shown to facilitators and managers only for groups this big.
    ASSESSMENT_MIN_GROUP = max(int(os.environ.get("ASSESSMENT_MIN_GROUP", "5")), 1)
    # Differential privacy of the self-assessment group figures (assessments/release.py):
    # the total privacy loss (epsilon) allowed per participant per instrument over every
    # release, and what one release (every group of one partition, one phase) spends. The
    # README ("Self-assessment results") says why these defaults.
    ASSESSMENT_EPSILON = float(os.environ.get("ASSESSMENT_EPSILON", "4.0"))
    ASSESSMENT_RELEASE_EPSILON = float(os.environ.get("ASSESSMENT_RELEASE_EPSILON", "1.0"))
    # Reports call a participant stalled after this many days without activity.
    REPORTS_STALL_DAYS = max(int(os.environ.get("REPORTS_STALL_DAYS", "14")), 1)
    # How often one person may send reminders to a cohort's stalled participants.
    REMINDER_RATE_LIMIT = os.environ.get("REMINDER_RATE_LIMIT", "5 per hour")
    # A stalled participant reminded less than this many days ago is not reminded again.
    REMINDER_INTERVAL_DAYS = max(int(os.environ.get("REMINDER_INTERVAL_DAYS", "7")), 1)

    @classmethod
    def finalise(cls, config: dict) -> None:
        """Fill what depends on other settings; refuse to run insecurely outside development."""
        if not config.get("SECRET_KEY"):
            if config["ENV_NAME"] != "development":
                raise RuntimeError("SECRET_KEY must be set outside development.")
            config["SECRET_KEY"] = _development_secret_key()
        testing = config["ENV_NAME"] == "testing" or config.get("TESTING")
        if not config.get("BASE_URL"):
            if config["ENV_NAME"] != "development" and not testing:
                raise RuntimeError(
                    "BASE_URL must be set outside development: the public address of the "
                    "site, such as https://learning.example.org, which links on "
                    "certificates (their QR code, LinkedIn and Open Badges) and in emails "
                    "point to.")
            config["BASE_URL"] = default_base_url()
        method = config.setdefault("PASSWORD_HASH_METHOD", Config.PASSWORD_HASH_METHOD)
        if not testing and not _strong_hash(method):
            raise RuntimeError(f"PASSWORD_HASH_METHOD {method!r} is "
                               f"cheaper than {Config.PASSWORD_HASH_METHOD!r}: only the tests "
                               "may use it.")
        if not is_time_zone(config.get("DEFAULT_TIME_ZONE")):
            raise RuntimeError(f"DEFAULT_TIME_ZONE {config.get('DEFAULT_TIME_ZONE')!r} is not "
                               "a time zone name such as America/Port_of_Spain.")
        budget = config.setdefault("ASSESSMENT_EPSILON", Config.ASSESSMENT_EPSILON)
        step = config.setdefault("ASSESSMENT_RELEASE_EPSILON", Config.ASSESSMENT_RELEASE_EPSILON)
        if not (isinstance(budget, int | float) and budget > 0):
            raise RuntimeError(f"ASSESSMENT_EPSILON {budget!r} must be a number above 0: it is "
                               "the privacy budget per participant and self-assessment.")
        if not (isinstance(step, int | float) and 0 < step <= budget):
            raise RuntimeError(f"ASSESSMENT_RELEASE_EPSILON {step!r} must be above 0 and at "
                               f"most ASSESSMENT_EPSILON ({budget!r}).")
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
        if config.get("SESSION_COOKIE_SECURE") is None:
            config["SESSION_COOKIE_SECURE"] = config["ENV_NAME"] not in ("development", "testing")


class TestingConfig(Config):
    """Settings for the test suite: a throwaway database, no CSRF unless a test asks."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - only the test suite uses it
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = False
    # Still scrypt, at a quarter of a millisecond: the suite makes thousands of accounts and
    # signs in thousands of times (tests/accounts/test_passwords.py keeps the real cost).
    PASSWORD_HASH_METHOD = "scrypt:128:8:1"  # noqa: S105 - a setting, not a password
    BASE_URL = "http://localhost"
    SERVER_NAME = None
    # Jobs run at once, in the process that queues them (tests/jobs starts real workers).
    JOBS_IMMEDIATE = True
