"""The mindset page: a cohort's released self-assessment figures, for a group of it.

Every figure comes from `assessments.figures`, released with differential privacy under
the privacy rule (`assessments.privacy`); this module only chooses the group and lays the
released figures out as rows and chart bars.
"""

from dataclasses import dataclass

from learning.assessments import figures as assessment_figures
from learning.assessments import scoring
from learning.countries import country_name, sorted_by_name
from learning.reports.groups import BREAKDOWNS
from learning.reports.list_requests import NoSuchGroup, NotAPartition, parse_list_request


@dataclass(frozen=True)
class MindsetGroup:
    """The part of a cohort the mindset figures are about: a country or an organisation.

    Empty strings mean the whole cohort; a country is its ISO code. Figures are released by
    partition (`assessments.release`): the whole cohort, by country, or by organisation, as
    recorded with each answer. A country and an organisation together are no partition.
    """

    country: str = ""
    organisation: str = ""

    @classmethod
    def from_args(cls, args) -> "MindsetGroup":
        """The group asked for in the URL (`country`, `organisation`), as the list reads them.

        An unknown country raises UnknownCountry, as it does for the list.
        """
        asked = parse_list_request({key: args.get(key, "") for key in BREAKDOWNS})
        return cls(asked.country, asked.organisation)

    @property
    def is_whole(self) -> bool:
        """True when no filter narrows the cohort."""
        return not (self.country or self.organisation)

    @property
    def partition(self) -> str:
        """The released partition the group belongs to."""
        return "country" if self.country else "organisation" if self.organisation else "whole"

    @property
    def key(self) -> str:
        """The group within its partition: a country code, an organisation, or ""."""
        return self.country or self.organisation

    def check(self, cohort) -> None:
        """Refuse a group figures are never released for (the page answers 400).

        Both filters at once raise NotAPartition; a country or organisation no answer of
        the cohort was given from raises NoSuchGroup.
        """
        if self.country and self.organisation:
            raise NotAPartition("country and organisation")
        countries, organisations = assessment_figures.recorded_groups(cohort)
        if self.country and self.country not in countries:
            raise NoSuchGroup(self.country)
        if self.organisation and self.organisation not in organisations:
            raise NoSuchGroup(self.organisation)


def mindset_choices(cohort) -> tuple[list[tuple[str, str]], list[str]]:
    """The countries and organisations recorded with the cohort's answers, for the filters."""
    countries, organisations = assessment_figures.recorded_groups(cohort)
    return ([(code, country_name(code)) for code in sorted_by_name(countries)],
            sorted(organisations))


@dataclass(frozen=True)
class MindsetRow:
    """One dimension of an instrument across its phases: means, change, people per band.

    `means` and `bands` follow the instrument's phases; None where a phase has no figure
    (too few answers). `bands` holds (label, [count per phase]).
    """

    title: str
    means: list[float | None]
    change: float | None
    # ± points of the change, 9 times in 10.
    change_margin: int | None
    bands: list[tuple[str, list[int | None]]]
    # ± points of each phase's mean, 9 times in 10 (None where no mean is shown).
    margins: list[int | None]


def mindset_rows(summary) -> list[MindsetRow]:
    """An instrument's released group figures (`figures.cohort_summaries`), one row a dimension.

    Only figures the privacy rule released appear: a phase with too few answers, or not yet
    a whole batch more, adds nothing here that the assessments domain did not give.
    """
    phases = summary.phases
    order: list[str] = []
    titles: dict[str, str] = {}
    means: dict[str, list[float | None]] = {}
    margins: dict[str, list[int | None]] = {}
    bands: dict[str, dict[str, list[int | None]]] = {}
    for index, aggregate in enumerate(phases):
        for dimension in aggregate.dimensions or []:
            if dimension.slug not in titles:
                order.append(dimension.slug)
                titles[dimension.slug] = dimension.title
                means[dimension.slug] = [None] * len(phases)
                margins[dimension.slug] = [None] * len(phases)
                bands[dimension.slug] = {}
            if dimension.mean is not None:
                means[dimension.slug][index] = scoring.display_score(dimension.mean)
                margins[dimension.slug][index] = round(dimension.half_width)
            for label, count in dimension.band_counts or []:
                bands[dimension.slug].setdefault(label, [None] * len(phases))[index] = count
    changes = {row.title: row for row in summary.shift or []}

    def change(slug):
        row = changes.get(titles[slug])
        if row is None or row.change is None:
            return None, None
        return row.change, round(row.half_width or 0)

    return [MindsetRow(titles[slug], means[slug], *change(slug), list(bands[slug].items()),
                       margins[slug]) for slug in order]


def mindset_chart_rows(summary, labels: dict[str, str]
                       ) -> list[tuple[str, list[tuple[str, str, float]]]]:
    """Rows for the assessments' bar chart: each dimension with a bar per released phase.

    `labels` names the phases in the reader's language.
    """
    rows = []
    for row in mindset_rows(summary):
        bars = [(aggregate.phase, labels[aggregate.phase], mean)
                for aggregate, mean in zip(summary.phases, row.means, strict=True)
                if mean is not None]
        if bars:
            rows.append((row.title, bars))
    return rows

