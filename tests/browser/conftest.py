"""A real browser (Debian's headless Chromium, driven by Playwright) against a live server.

The server is the application on a free port with its own SQLite file, the course from
modules/ imported, and one demo cohort. Without Chromium or Playwright these tests are
skipped, unless REQUIRE_BROWSER is set (CI sets it), when they fail instead.

The XSS corpus (test_xss.py, about 2,000 page loads) runs in Debian's headless shell of
the same Chromium (package chromium-headless-shell: Blink and V8 as in /usr/bin/chromium,
without the full browser around them, as Playwright itself runs headless tests). A page
load there costs about half the CPU (scripts/bench/navigation.py); what the corpus checks,
the HTML parser, the scripts that run and the DOM they leave, is Blink's in both, and the
corpus's control test runs in both to show each catches every vector. Everything else,
the pages people use, their accessibility and layout, the recording's player, runs in the
full browser. Without the shell the corpus runs in the full browser, slower (CI installs it).
"""

import os
import secrets
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from learning import create_app
from learning.catalog.models import Course
from learning.cohorts.models import Cohort
from learning.config import ROOT, TestingConfig
from learning.content.importer import import_content
from learning.database import db, write_transaction
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HEADLESS_SHELL = os.environ.get("CHROMIUM_HEADLESS_SHELL", "/usr/bin/chromium-headless-shell")
# Playwright switches some of Chromium's features off with one --disable-features switch of
# its own, and Chromium keeps only the last such switch: ours restates Playwright's list (as
# of Playwright 1.65; test_flags.py fails if the installed one adds to it) and adds
# RenderDocument. That feature makes a new frame for every navigation, even within a site,
# which here costs about 30 % of Chromium's CPU per page load (scripts/bench/navigation.py);
# without it a same-site navigation may reuse the frame. What a page is and what its scripts
# do stay the same.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
]
DISABLED_FEATURES = [*PLAYWRIGHT_DISABLED_FEATURES, "RenderDocument"]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
]
AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


def installed(executable: str) -> bool:
    return Path(executable).exists() or shutil.which(executable) is not None


@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        yield playwright


def _launch(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS,
                                      headless=True)


@pytest.fixture(scope="session")
def browser(playwright_driver):
    if not installed(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    browser = _launch(playwright_driver, CHROMIUM)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def shell_browser(playwright_driver, request):
    """Chromium's headless shell, for the XSS corpus; the full browser where it is missing."""
    if not installed(HEADLESS_SHELL):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"browser tests required but no headless shell at {HEADLESS_SHELL} "
                        "(apt-get install chromium-headless-shell)")
        yield request.getfixturevalue("browser")
        return
    browser = _launch(playwright_driver, HEADLESS_SHELL)
    yield browser
    browser.close()


def demo_course() -> Course:
    """The course imported from modules/: the first made (a test may add its own).

    In the live server's application context, as `demo_cohort`.
    """
    return db.session.scalars(select(Course).order_by(Course.id)).first()


def demo_cohort() -> Cohort:
    """The demo cohort live_app makes: the first made."""
    return db.session.scalars(select(Cohort).order_by(Cohort.id)).first()


class LiveServer:
    """The running application: its address, and a way to make data in its database."""

    def __init__(self, app, url):
        self.app = app
        self.url = url

    def participant(self) -> tuple[str, str]:
        """A new participant enrolled in the demo cohort: (email, password)."""
        email = f"p-{secrets.token_hex(4)}@example.org"
        # The server writes concurrently: read-then-write needs an immediate transaction.
        with self.app.app_context(), write_transaction():
            cohort = demo_cohort()
            user = factories.make_user(email, name="Zoë Ångström-Ñúñez")
            factories.enrol(user, cohort)
            db.session.commit()
        return email, factories.DEFAULT_PASSWORD

    def course_slug(self) -> str:
        with self.app.app_context():
            return demo_course().slug


def live_app(base: Path):
    """The application the browser tests serve: an SQLite file in `base`, the course from
    modules/ imported and one demo cohort (scripts/bench/navigation.py serves it too)."""
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    settings.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{base / 'live.db'}",
        MEDIA_ROOT=str(base / "media"),
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=False,
        TESTING=False,
        # Group figures shown at the few answers these pages hold, for their layout: the
        # private release itself is tested in tests/assessments/test_release.py.
        ASSESSMENT_EPSILON=1e7, ASSESSMENT_RELEASE_EPSILON=1e6,
    )
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        import_content(ROOT / "modules")
        factories.make_cohort(demo_course(), name="Browser cohort", join_code="BROWSER2024")
        db.session.commit()
    return app


def serve(app):
    """Werkzeug serving the app on a free port, in a thread: (server, its address)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    app = live_app(tmp_path_factory.mktemp("live"))
    server, url = serve(app)
    yield LiveServer(app, url)
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


def sign_in(page, live_server, email, password):
    """Sign in through the form, as a person would."""
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    """WCAG 2.x A and AA violations axe-core finds on the page, once it has loaded."""
    # A click on a link returns once the next page is committed, when its document may
    # have no root element yet: axe then fails reading document.documentElement.
    page.wait_for_load_state()
    # Evaluated through the DevTools protocol, so the page's strict CSP does not block it.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
