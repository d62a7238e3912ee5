"""A server-rendered bar chart of dimension scores: geometry computed here, drawn in SVG.

The template (assessments/_chart.html) only places what this module measured. Each bar
carries its figure and phase in text, and the phases differ in pattern as well as colour.
"""

from dataclasses import dataclass

# Drawn in these units and scaled to the width there is (viewBox, width 100%): narrow enough
# that the figures stay legible on a 375 px phone, wide enough for "After: 100.0" past a full
# bar.
WIDTH = 440
LABEL_HEIGHT = 22
BAR_HEIGHT = 20
BAR_GAP = 6
GROUP_GAP = 18
PLOT_LEFT = 8
PLOT_WIDTH = 320
AXIS_HEIGHT = 24
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar:
    """One bar: the phase it shows, its score and where it goes."""

    phase: str
    label: str
    score: float
    y: int
    width: float
    text_x: float


@dataclass(frozen=True)
class Group:
    """One dimension: its title and its bars (one per phase)."""

    title: str
    title_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    """A gridline and its label on the 0-100 axis."""

    value: int
    x: float


@dataclass(frozen=True)
class BarChart:
    """Everything the SVG template draws."""

    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    groups: list[Group]
    ticks: list[Tick]


def _x(score: float) -> float:
    return PLOT_LEFT + PLOT_WIDTH * max(0.0, min(score, 100.0)) / 100


def bar_chart(rows: list[tuple[str, list[tuple[str, str, float]]]]) -> BarChart:
    """Lay out dimensions as groups of horizontal bars on a 0-100 scale.

    `rows` is [(dimension title, [(phase, phase label, score), ...]), ...]; scores are the
    rounded figures the table beside the chart shows.
    """
    y = AXIS_HEIGHT
    groups = []
    for title, bars in rows:
        title_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        placed = []
        for phase, label, score in bars:
            width = _x(score) - PLOT_LEFT
            placed.append(Bar(phase, label, score, y, round(width, 1),
                              round(PLOT_LEFT + width + 6, 1)))
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(title, title_y, placed))
        y += GROUP_GAP
    return BarChart(
        width=WIDTH, height=y, plot_left=PLOT_LEFT, plot_top=AXIS_HEIGHT, plot_bottom=y,
        groups=groups, ticks=[Tick(value, round(_x(value), 1)) for value in TICKS],
    )
