"""What a page load costs the browser tests' Chromium, with and without their flags.

The browser tests' time is mostly Chromium's CPU (the XSS corpus loads about 2,000 pages).
This serves the app as tests/browser/conftest.py does (Werkzeug in a thread, an SQLite file,
the course from modules/ imported, CSRF on), signs a facilitator in through the form, and
loads a few pages many times in one tab: in the full browser once with conftest.py's flags
and once with them but Playwright's own --disable-features list in place of ours
(RenderDocument on), then in the headless shell the XSS corpus runs in, with conftest.py's
flags. It prints, per page load, the wall time and the CPU time of Chromium's processes and
of this one.

    python3 scripts/bench/navigation.py [--loads 40] [--chromium /usr/bin/chromium]
        [--shell /usr/bin/chromium-headless-shell] [--also=--single-process ...]

Each --also adds a run of the full browser with conftest.py's flags and those (one or more
switches, space-separated), to see what another switch would save.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from learning.catalog.models import Course  # noqa: E402
from learning.database import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM_FLAGS,
    HEADLESS_SHELL,
    PLAYWRIGHT_DISABLED_FEATURES,
    installed,
    live_app,
)
from tests.browser.conftest import serve as browser_serve  # noqa: E402

FACILITATOR = "facilitator@example.org"


def serve(base: Path):
    """The app as the browser tests serve it, a facilitator added; (server, url, slug)."""
    app = live_app(base)
    with app.app_context():
        course = db.session.scalars(select(Course)).first()
        course.facilitators.append(factories.make_user(FACILITATOR, "facilitator"))
        db.session.commit()
        slug = course.slug
    server, url = browser_serve(app)
    return server, url, slug


def chromium_cpu() -> dict[str, float]:
    """User and system CPU seconds of each Chromium process now running, by process id."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        if "chrom" not in stat[stat.index("(") + 1:stat.rindex(")")]:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def chromium_cpu_since(before: dict[str, float]) -> float:
    """Chromium's CPU seconds since `before`, over the processes running now.

    A process that ended meanwhile is left out (its last moments uncounted) rather than
    subtracted, and one that started meanwhile counts from zero.
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in chromium_cpu().items())


def measure(chromium: str, flags: list[str], url: str, paths: list[str], loads: int):
    """Per path: (wall ms, Chromium CPU ms, this process's CPU ms) per page load."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags,
                                             headless=True)
        page = browser.new_context().new_page()
        page.goto(f"{url}/sign-in")
        page.get_by_label("Email").fill(FACILITATOR)
        page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        for path in paths:
            for _ in range(3):  # caches warm
                page.goto(url + path, wait_until="load")
            chromium_before, wall_before = chromium_cpu(), time.perf_counter()
            own_before = time.process_time()
            for _ in range(loads):
                page.goto(url + path, wait_until="load")
            found[path] = tuple(1000 * value / loads for value in (
                time.perf_counter() - wall_before,
                chromium_cpu_since(chromium_before),
                time.process_time() - own_before,
            ))
        browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=40, help="page loads per page and run")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--shell", default=HEADLESS_SHELL,
                        help="Chromium's headless shell (left out if it is not installed)")
    parser.add_argument("--also", action="append", default=[], metavar="SWITCHES",
                        help="a run with conftest.py's flags and these switches too")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    playwright_only = [flag for flag in CHROMIUM_FLAGS if not flag.startswith("--disable-features")]
    playwright_only.append("--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES))
    with tempfile.TemporaryDirectory() as base:
        server, url, slug = serve(Path(base))
        paths = ["/ping", "/sign-in", "/studio/", f"/studio/courses/{slug}"]
        runs = {"Playwright's features only": measure(args.chromium, playwright_only, url,
                                                     paths, args.loads),
                "conftest.py's flags": measure(args.chromium, CHROMIUM_FLAGS, url, paths,
                                               args.loads)}
        for switches in args.also:
            runs[switches] = measure(args.chromium, CHROMIUM_FLAGS + switches.split(), url,
                                     paths, args.loads)
        if installed(args.shell):
            runs["headless shell"] = measure(args.shell, CHROMIUM_FLAGS, url, paths, args.loads)
        server.shutdown()
    print(f"{args.loads} loads of each page in one tab; per load, milliseconds")
    print(f"{'flags':28} {'page':40} {'wall':>7} {'Chromium CPU':>13} {'Python CPU':>11}")
    for name, found in runs.items():
        for path, (wall, chromium, own) in found.items():
            print(f"{name:28} {path[:40]:40} {wall:7.1f} {chromium:13.1f} {own:11.1f}")


if __name__ == "__main__":
    main()
