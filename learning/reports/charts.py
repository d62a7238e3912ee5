"""The funnel chart's geometry, computed here and drawn by reports/_funnel.html as SVG.

Every bar carries its figure in text, so the chart reads without colour, and the table of
the same figures sits beside it.
"""

from dataclasses import dataclass

WIDTH = 460
LABEL_HEIGHT = 20
BAR_HEIGHT = 18
STEP_GAP = 10
PLOT_LEFT = 8
PLOT_WIDTH = 300
LABEL_MAX = 48


@dataclass(frozen=True)
class FunnelBar:
    """One step drawn: its label, its figures and where it goes."""

    label: str
    count: int
    percent: int
    label_y: int
    bar_y: int
    width: float
    text_x: float


@dataclass(frozen=True)
class FunnelChart:
    """Everything the SVG template draws."""

    width: int
    height: int
    bar_height: int
    plot_left: int
    bars: list[FunnelBar]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1].rstrip() + "…"


def funnel_chart(steps) -> FunnelChart:
    """Lay out funnel steps (label, count, percent of the cohort) as horizontal bars."""
    y = 0
    bars = []
    for step in steps:
        label_y = y + LABEL_HEIGHT - 5
        bar_y = y + LABEL_HEIGHT
        width = PLOT_WIDTH * max(0, min(step.percent, 100)) / 100
        bars.append(FunnelBar(_short(step.label), step.count, step.percent, label_y, bar_y,
                              round(width, 1), round(PLOT_LEFT + width + 6, 1)))
        y = bar_y + BAR_HEIGHT + STEP_GAP
    return FunnelChart(WIDTH, max(y, 1), BAR_HEIGHT, PLOT_LEFT, bars)
