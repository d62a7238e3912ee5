"""Supply-chain check: pip-audit over the project's installed packages, against PyPI's advisories.

pip-audit asks PyPI's JSON API, one address per package and version
(https://pypi.org/pypi/<name>/<version>/json). Where that address cannot be reached, as in a
build environment that only mirrors the package index, no audit is possible: this says so
plainly and exits 0 (or 1 with --require, for a CI that must audit). Where it can, any known
vulnerability, and any package that could not be audited, fails the check (exit 1).

    .venv/bin/python scripts/audit.py [--require]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import urllib.error
import urllib.request
from importlib import metadata

PROBE = "https://pypi.org/pypi/flask/{version}/json"


def advisories_reachable() -> bool:
    """True if PyPI answers the per-version address pip-audit reads, for the Flask installed."""
    url = PROBE.format(version=metadata.version("flask"))
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:  # noqa: S310 - a fixed https URL
            return answer.status == 200
    except (urllib.error.URLError, TimeoutError):
        return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--require", action="store_true",
                        help="fail when the advisories cannot be reached")
    options = parser.parse_args(argv)
    if not advisories_reachable():
        print("audit: PyPI's per-version JSON API (" + PROBE.format(version="<version>")
              + ") cannot be reached from here, so pip-audit cannot check the installed "
              "packages. NOT AUDITED.", file=sys.stderr)
        return 1 if options.require else 0
    command = [sys.executable, "-m", "pip_audit", "--strict", "--skip-editable",
               "--vulnerability-service", "pypi", "--progress-spinner", "off"]
    return subprocess.run(command, check=False).returncode  # noqa: S603 - our own command


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
