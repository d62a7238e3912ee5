"""Every studio and report page is valid HTML, by the Nu Html Checker (vnu-jar, under Java).

The pages come from crawling a demo installation (the course as shipped, the demo cohort
with its synthetic participants) signed in as the course's facilitator and as an admin,
following every link under /studio/ and /reports/ (a few of each URL shape), so that a page
added later is checked without anyone listing it. The checker runs once over all of them.

`make test` installs the checker (`make html-checker`: the vnu-jar npm package into
.tools/); without it, or without Java, this test skips, unless REQUIRE_VNU is set (CI).
"""

import json
import os
import re
import shutil
import subprocess
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select

from learning.accounts.models import User
from learning.accounts.passwords import hash_password
from learning.config import ROOT
from learning.database import db
from learning.site.demo import DEMO_ACCOUNTS, load_demo
from tests.conftest import DEFAULT_PASSWORD, page

pytestmark = pytest.mark.slow

VNU_JAR = Path(os.environ.get("VNU_JAR",
                              ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"))
AREAS = ("/studio/", "/reports")
PER_SHAPE = 3  # pages of one URL shape (digits aside) worth checking
MOST_PAGES = 300


def _checker() -> list[str]:
    java = shutil.which("java")
    if java and VNU_JAR.is_file():
        return [java, "-Xss4m", "-jar", str(VNU_JAR)]
    reason = f"the Nu Html Checker needs Java and {VNU_JAR} (make html-checker)"
    if os.environ.get("REQUIRE_VNU"):
        pytest.fail(reason)
    pytest.skip(reason)


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(part.split("=")[0] for part in parts.query.split("&") if part)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client, start: list[str]) -> dict[str, str]:
    """The HTML of every page reachable under AREAS from `start`, a few of each shape."""
    found, seen, shapes = {}, set(start), Counter()
    queue = deque(start)
    while queue and len(found) < MOST_PAGES:
        url = queue.popleft()
        with client.get(url) as response:  # closed at once: a CSV export streams
            assert response.status_code < 500, url
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            found[url] = response.get_data(as_text=True)
            links = page(response).select("a[href]")
        for link in links:
            target = urldefrag(link["href"])[0]
            if (target.startswith(AREAS) and target not in seen
                    and shapes[_shape(target)] < PER_SHAPE):
                seen.add(target)
                shapes[_shape(target)] += 1
                queue.append(target)
    return found


def _sign_in_as_demo(client, auth, role: str) -> None:
    email = next(email for account, email, _name in DEMO_ACCOUNTS if account == role)
    user = db.session.scalar(select(User).where(User.email == email))
    user.password_hash = hash_password(DEFAULT_PASSWORD)
    db.session.commit()
    auth.logout()
    assert auth.login(email, DEFAULT_PASSWORD).status_code == 302


def validate(pages: dict[str, str], folder: Path) -> list[str]:
    """The checker's errors, as "URL: line N: message"."""
    command = _checker()
    files = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{number:03d}.html"
        path.write_text(html)
        files[str(path.resolve())] = url
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True, text=True, timeout=600, check=True)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [f"{files.get(_path(m.get('url', '')), m.get('url'))}: line {m.get('lastLine')}: "
            f"{m['message']}" for m in messages if m.get("type") == "error"]


def _path(url: str) -> str:
    """The file a checker message names ("file:/tmp/x.html"), as a plain path."""
    return "/" + url.removeprefix("file:").lstrip("/")


def test_every_studio_and_report_page_is_valid_html(app, client, auth, tmp_path):
    _checker()  # skip early when the checker is missing
    load_demo(ROOT / "modules")
    db.session.commit()
    pages = {}
    for role in ("facilitator", "admin"):
        _sign_in_as_demo(client, auth, role)
        pages.update(crawl(client, ["/studio/", "/reports"]))
    print(f"{len(pages)} pages checked")
    assert any(url.startswith("/studio/courses/") for url in pages)
    assert any(url.startswith("/reports/cohorts/") for url in pages)
    errors = validate(pages, tmp_path)
    assert not errors, "\n".join(errors)


def test_the_checker_finds_an_error(tmp_path):
    broken = "<!DOCTYPE html><html lang=en><title>x</title><span><form></form></span></html>"
    errors = validate({"/broken": broken}, tmp_path)
    assert errors and errors[0].startswith("/broken: line 1:")
