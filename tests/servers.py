"""Real server processes over one database, for guarantees that must hold across servers.

Each server is gunicorn with one sync worker, configured as in production (CSRF on, a shared
secret key), over the database the suite runs on: PostgreSQL when TEST_DATABASE_URL names it,
else an SQLite file the caller gives. `Visitor` is a small cookie-keeping HTTP client that
posts forms with their CSRF token, as a browser would.
"""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup

from learning.config import ROOT

SECRET_KEY = "two-servers-secret-key"  # noqa: S105 - only these tests use it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def servers(database_url: str, count: int = 2, instance: Path | None = None,
            environment: dict[str, str] | None = None):
    """Start `count` app servers over the database; yield their base URLs; stop them.

    `environment` adds to or overrides the settings every server gets.
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "LEARNING_ENV": "production",
        "BASE_URL": "http://127.0.0.1",
        # Plain HTTP on loopback: a Secure cookie would never come back.
        "SESSION_COOKIE_SECURE": "false",
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
    }
    if instance is not None:
        env["INSTANCE_PATH"] = str(instance)
    env.update(environment or {})
    processes, urls = [], []
    try:
        for _ in range(count):
            port = _free_port()
            processes.append(subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
                 "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                cwd=ROOT, env=env,
            ))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=10):  # noqa: S310 - loopback
                return
        except OSError:  # refused, reset or timed out while the worker boots
            time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser's cookies and forms, without a browser. Redirects are not followed."""

    def __init__(self, cookies: http.cookiejar.CookieJar | None = None) -> None:
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        """GET: the status and the body."""
        return self._open(urllib.request.Request(url))

    def submit(self, page_url: str, action: str, fields: dict[str, str]) -> tuple[int, str]:
        """POST `fields` to `action`, with the CSRF token of the form on `page_url`."""
        status, body = self.get(page_url)
        token = BeautifulSoup(body, "html.parser").find("input", {"name": "csrf_token"})
        data = {"csrf_token": token["value"], **fields} if token else fields
        return self._open(urllib.request.Request(
            action, data=urllib.parse.urlencode(data).encode(), method="POST"))

    def copy(self) -> "Visitor":
        """Another client holding the same cookies, as a stolen or copied cookie would."""
        jar = http.cookiejar.CookieJar()
        for cookie in self.cookies:
            jar.set_cookie(cookie)
        return Visitor(jar)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
