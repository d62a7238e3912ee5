"""Utility of the private self-assessment figures: how far published means are from exact.

For groups of 20, 50, 200 and 1,000 answers and instruments of 1, 4 and 5 dimensions (the
course's instruments have 4 or 5), it draws dimension scores on the scale's grid, releases
each group's mean the way `learning/assessments/release.py` does at the default budget (one
release at ASSESSMENT_RELEASE_EPSILON, shared equally by the dimensions, two thirds of each
share for the mean) through OpenDP, many times, and prints the median absolute error of the
published means, their stated uncertainty (± points, 9 times in 10) and whether the page
would show them (± 10 at most). With --write it replaces the "Self-assessment privacy"
section of BENCHMARKS.md. Targets (issue #24): at most 3 points at 200 answers and 1 point
at 1,000.

Run by hand from the repository root, under the project's .venv:

    .venv/bin/python scripts/bench_privacy.py [--trials 1000] [--write]

OpenDP's noise comes from the operating system's secure generator and cannot be seeded;
the data are seeded (--seed), and the trials are many enough for a stable median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from learning.assessments import release  # noqa: E402
from learning.config import Config  # noqa: E402

SECTION = "## Self-assessment privacy"
SIZES = (20, 50, 200, 1000)
DIMENSIONS = (1, 4, 5)
TARGETS = {200: 3.0, 1000: 1.0}
GRID = [12.5 * step for step in range(9)]  # two statements a dimension: 0, 12.5, ... 100


def measure(size: int, dimensions: int, trials: int, rng: random.Random):
    """(median absolute error, ± half-width, shown?) of one dimension's published mean."""
    epsilon = release.dimension_epsilon(Config.ASSESSMENT_RELEASE_EPSILON, dimensions)
    errors, half_width = [], 0.0
    for _ in range(trials):
        scores = [rng.choice(GRID) for _ in range(size)]
        mean, half_width = release.release_mean(scores, epsilon * release.MEAN_SHARE)
        errors.append(abs(mean - statistics.fmean(scores)))
    return statistics.median(errors), half_width, half_width <= release.USEFUL_HALF_WIDTH


def table(results) -> str:
    lines = ["| answers | dimensions | median abs. error (points) | ± (9 in 10) | shown | "
             "target |", "|---:|---:|---:|---:|---|---|"]
    for (size, dimensions), (error, half_width, shown) in results.items():
        target = TARGETS.get(size)
        verdict = "" if target is None else (
            f"≤ {target:g}: {'met' if error <= target else 'missed'}")
        lines.append(f"| {size:,} | {dimensions} | {error:.2f} | {half_width:.1f} | "
                     f"{'yes' if shown else 'no'} | {verdict} |")
    return "\n".join(lines)


def write(section: str) -> None:
    """Replace (or add) the self-assessment privacy section of BENCHMARKS.md."""
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    if SECTION in content:
        before, _, after = content.partition(SECTION)
        rest = after.split("\n## ", 1)
        after = ("\n## " + rest[1]) if len(rest) > 1 else ""
        content = before + section + after
    else:
        content = content.rstrip("\n") + "\n\n" + section
    path.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results = {(size, dimensions): measure(size, dimensions, args.trials, rng)
               for size in SIZES for dimensions in DIMENSIONS}
    body = table(results)
    print(body)
    if args.write:
        write(f"{SECTION}\n\n"
              f"`scripts/bench_privacy.py`, {date.today():%d %B %Y}, {args.trials} releases "
              f"per row, default budget (one release at ε = "
              f"{Config.ASSESSMENT_RELEASE_EPSILON:g}, shared by the dimensions; "
              f"`ASSESSMENT_EPSILON` = {Config.ASSESSMENT_EPSILON:g} in all). The error is "
              "the published mean's distance from the exact mean of the same answers; "
              "\"shown\" says whether the page shows it (± 10 points at most, 9 times in 10)."
              f"\n\n{body}\n")


if __name__ == "__main__":
    main()
