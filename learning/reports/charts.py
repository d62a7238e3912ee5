"""Chart geometry, computed here and drawn by the reports templates as SVG.

Horizontal bars, each with its label above and its figure in text beside it, so a chart
reads without colour; the table of the same figures sits beside every chart.
"""

import textwrap
from dataclasses import dataclass

WIDTH = 460
LABEL_HEIGHT = 20
BAR_HEIGHT = 18
STEP_GAP = 10
PLOT_LEFT = 8
PLOT_WIDTH = 300
# A label longer than this many characters goes on over further lines (15 px type in a
# 460-unit chart): module names are read whole, never cut short.
LINE_MAX = 54


@dataclass(frozen=True)
class Bar:
    """One bar drawn: its label, the text of its figure and where it goes."""

    label: str
    text: str
    lines: tuple[tuple[str, int], ...]  # the label's lines and the baseline of each
    bar_y: int
    width: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    """Everything the SVG template draws."""

    width: int
    height: int
    bar_height: int
    plot_left: int
    bars: list[Bar]


def _lines(label: str) -> list[str]:
    """The label over as many lines as it needs, broken between words."""
    return textwrap.wrap(label, LINE_MAX, break_long_words=True) or [""]


def bar_chart(rows: list[tuple[str, float, str]], scale: float) -> BarChart:
    """Lay out (label, value, text) rows as horizontal bars, `scale` being a full bar."""
    y = 0
    bars = []
    for label, value, text in rows:
        lines = tuple((line, y + LABEL_HEIGHT * (number + 1) - 5)
                      for number, line in enumerate(_lines(label)))
        bar_y = y + LABEL_HEIGHT * len(lines)
        share = max(0.0, min(value / scale, 1.0)) if scale > 0 else 0.0
        width = round(PLOT_WIDTH * share, 1)
        bars.append(Bar(label, text, lines, bar_y, width, round(PLOT_LEFT + width + 6, 1)))
        y = bar_y + BAR_HEIGHT + STEP_GAP
    return BarChart(WIDTH, max(y, 1), BAR_HEIGHT, PLOT_LEFT, bars)


def funnel_chart(steps) -> BarChart:
    """The funnel: each step's count, its bar the step's share of those enrolled."""
    return bar_chart([(step.label, step.percent, f"{step.count} ({step.percent}%)")
                      for step in steps], 100)


def weekly_chart(weeks, labels) -> BarChart:
    """Completions per week, the busiest week a full bar; `labels` names each week."""
    busiest = max((week.completed for week in weeks), default=0)
    return bar_chart([(label, week.completed, str(week.completed))
                      for week, label in zip(weeks, labels, strict=True)], busiest)
