"""Where a benchmark scenario's time goes: the app in-process, under pyinstrument.

Builds the same installation as scripts/benchmark.py (a fresh SQLite file, or the PostgreSQL
database of --postgresql-url, created and dropped), signs one synthetic participant in through
the real form with CSRF on, and sends a few hundred requests of one scenario through Flask's
test client. Prints the CPU time per request (best of five rounds) and, with pyinstrument
installed (`.venv/bin/pip install pyinstrument`; it is not a project dependency), the profile.

    python3 scripts/bench/profile.py [--scenario module|heartbeat|ping|sign-in] [--requests 300]
                                     [--database sqlite|postgresql] [--html profile.html]
                                     [--functions 40]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchmark  # noqa: E402 - scripts/benchmark.py, found through the line above


def signed_in_client(app, email: str, password: str):
    """A test client signed in through the sign-in form, and a CSRF token for its session."""
    client = app.test_client()
    parser = benchmark.CsrfField()
    parser.feed(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"csrf_token": parser.value, "email": email,
                                             "password": password, "next": ""})
    if response.status_code != 302:
        raise benchmark.BenchmarkError(f"{email} could not sign in ({response.status_code}).")
    return client, client.get("/progress/csrf-token").get_json()["csrf_token"]


def scenario_request(name: str, client, token: str, target: benchmark.Target):
    """A function sending one request of the scenario and checking it succeeded."""
    rng = random.Random(2024)
    # The sign-in page is asked for with no cookie, as by someone arriving.
    anonymous = client.application.test_client(use_cookies=False)

    def sign_in():
        return anonymous.get("/sign-in")

    def ping():
        return client.get("/ping")

    def module():
        return client.get(target.module_path)

    def heartbeat():
        item_id, duration = rng.choice(target.recordings)
        start = rng.uniform(0, duration - 1)
        end = min(duration, start + rng.uniform(2, 15))
        return client.post(f"/progress/items/{item_id}/watch", data={
            "intervals": json.dumps([[round(start, 1), round(end, 1)]]),
            "position": round(end, 1), "csrf_token": token,
        })

    send = {"ping": ping, "module": module, "heartbeat": heartbeat, "sign-in": sign_in}[name]

    def checked():
        response = send()
        if response.status_code != 200:
            raise benchmark.BenchmarkError(f"{name} answered {response.status_code}.")

    return checked


def cpu_ms_per_request(send, requests: int) -> float:
    """CPU milliseconds per request, the best of five rounds (other processes add noise)."""
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(requests):
            send()
        rounds.append((time.process_time() - started) / requests * 1000)
    return min(rounds)


def print_functions(send, requests: int, count: int) -> None:
    """The functions with the most time of their own (cProfile, in the standard library)."""
    # This file is named profile.py too: the standard library's must not find it.
    here = Path(__file__).resolve().parent
    saved = sys.path[:]
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]
    try:
        import cProfile
        import pstats
    finally:
        sys.path[:] = saved

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        send()
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(count)


def main(argv: list[str]) -> int:
    """Build, sign in, time and profile; 1 if something went wrong."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["module", "heartbeat", "ping", "sign-in"],
                        default="module")
    parser.add_argument("--requests", type=int, default=300, help="requests per round")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgresql-url", default=benchmark.DEFAULT_POSTGRESQL_URL)
    parser.add_argument("--module", default="changing-mindsets")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    parser.add_argument("--functions", type=int, metavar="N",
                        help="print cProfile's N functions with the most time of their own "
                             "instead of pyinstrument's tree")
    options = parser.parse_args(argv)
    benchmark.ensure_environment()
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None

    workdir = Path(tempfile.mkdtemp(prefix="learning-profile-"))
    installation = benchmark.Installation(options.database, options.postgresql_url, 1, workdir)
    # The configuration is read from the environment when the package is first imported.
    os.environ.update(installation.env)
    try:
        installation.create_database()
        password = installation.populate(options.participants).read_text().strip()
        _, target, emails, _ = benchmark.describe(installation, options.module, 1)
        from learning import create_app

        app = create_app()
        client, token = signed_in_client(app, emails[0], password)
        send = scenario_request(options.scenario, client, token, target)
        for _ in range(30):
            send()
        print(f"{options.scenario}: {cpu_ms_per_request(send, options.requests):.2f} ms of CPU "
              f"per request ({options.database}, in-process)")
        if options.functions:
            print_functions(send, options.requests, options.functions)
            return 0
        if Profiler is None:
            print("Install pyinstrument into .venv to see the profile.", file=sys.stderr)
            return 0
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(options.requests):
                send()
        print(profiler.output_text(unicode=True, color=sys.stdout.isatty()))
        if options.html:
            options.html.write_text(profiler.output_html())
        with app.app_context():
            from learning.database import db

            db.engine.dispose()
    except benchmark.BenchmarkError as error:
        print(f"profile failed: {error}", file=sys.stderr)
        return 1
    finally:
        installation.drop_database()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
