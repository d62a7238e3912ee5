"""`make run`'s server: the development web server and a job worker, as one command.

Starts `flask run` and `flask jobs work` side by side, their output interleaved; when either
exits, or on Ctrl-C (SIGINT) or SIGTERM, stops the other and exits with the first one's
status. In production, run them apart under a process manager (see README.md, Deploying).

    python scripts/serve.py [--port 5000]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
STOP_SECONDS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", default=os.environ.get("PORT", "5000"))
    parser.add_argument("--workers", default="1", help="jobs the worker runs at once")
    arguments = parser.parse_args()
    commands = {
        "web": FLASK + ["run", "--host", "127.0.0.1", "--port", str(arguments.port)],
        "worker": FLASK + ["jobs", "work", "--workers", arguments.workers],
    }
    processes = {name: subprocess.Popen(command, cwd=ROOT)  # noqa: S603 - our own commands
                 for name, command in commands.items()}
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append("SIGTERM"))
    status = 0
    try:
        while not stopping:
            ended = [name for name, process in processes.items() if process.poll() is not None]
            if ended:
                status = processes[ended[0]].returncode
                print(f"serve: the {ended[0]} process exited ({status}); stopping the rest.",
                      file=sys.stderr)
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass  # the terminal sent SIGINT to the children too: they are stopping
    # The worker finishes the jobs at hand on SIGINT; the web server stops on SIGTERM (it
    # may have been started with SIGINT ignored, as from a shell's background job).
    for name, process in processes.items():
        if process.poll() is None:
            process.send_signal(signal.SIGINT if name == "worker" else signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    return status


if __name__ == "__main__":
    sys.exit(main())
