"""The figure library: one function per figure id of REPORTS.md's catalogue.

Every function takes ``(dataset, scope)`` (and optionally a chart style) and
returns a :class:`~via_reports.figures.figure.Figure`. The registry maps ids to
functions and chapters to their figures, in report order::

    from via_reports.figures import build_figure, chapter_figures
    figure = build_figure("participants.age_sex", dataset, scope)
    figures = chapter_figures("satisfaction", dataset, scope)

``satisfaction.<instrument>`` stands for one figure per instrument with at
least ``scope.min_n`` users in the last wave; :func:`chapter_figures` expands
it, :func:`build_figure` builds it for any instrument of the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable

from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.exceptions import ParameterError
from via_reports.figures import barriers, instruments, participants, participation, satisfaction
from via_reports.figures.charts import ChartStyle
from via_reports.figures.figure import Figure

#: Placeholder in :data:`CHAPTER_FIGURES` for the per-instrument satisfaction figures.
PER_INSTRUMENT = "satisfaction.<instrument>"

FigureBuilder = Callable[..., Figure]

FIGURES: dict[str, FigureBuilder] = {
    "participants.origin": participants.origin,
    "participants.age_sex": participants.age_sex,
    "participants.education": participants.education,
    "participants.no_nl_diploma_age": participants.no_nl_diploma_age,
    "participants.born_nl_prior_work": participants.born_nl_prior_work,
    "participants.years_paid_work": participants.years_paid_work,
    "participants.years_since_work": participants.years_since_work,
    "participation.by_wave": participation.by_wave,
    "participation.all_waves": participation.all_waves,
    "instruments.use": instruments.use,
    "instruments.non_use_reasons": instruments.non_use_reasons,
    "barriers.ease_society": barriers.ease_society,
    "barriers.ease_paid_work": barriers.ease_paid_work,
    "barriers.by_wave": barriers.by_wave,
    "satisfaction.overall": satisfaction.overall,
}

#: Chapter id → its figure ids in report order.
CHAPTER_FIGURES: dict[str, list[str]] = {
    "participants": [
        "participants.origin",
        "participants.age_sex",
        "participants.education",
        "participants.no_nl_diploma_age",
        "participants.born_nl_prior_work",
        "participants.years_paid_work",
        "participants.years_since_work",
    ],
    "participation": ["participation.by_wave", "participation.all_waves"],
    "instruments": ["instruments.use", "instruments.non_use_reasons"],
    "barriers": ["barriers.ease_society", "barriers.ease_paid_work", "barriers.by_wave"],
    "satisfaction": ["satisfaction.overall", PER_INSTRUMENT],
}


def build_figure(figure_id: str, dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    """The figure ``figure_id`` (e.g. ``participants.age_sex`` or ``satisfaction.power``)."""
    if figure_id in FIGURES:
        return FIGURES[figure_id](dataset, scope, style=style)
    chapter, _, instrument = figure_id.partition(".")
    if chapter == "satisfaction" and instrument in set(dataset.instruments["instrument"]):
        return satisfaction.instrument_satisfaction(dataset, scope, instrument, style=style)
    known = ", ".join([*FIGURES, PER_INSTRUMENT])
    raise ParameterError(f"unknown figure {figure_id!r}; known figures: {known}")


def chapter_figure_ids(chapter: str, dataset: Dataset, scope: Scope) -> list[str]:
    """The figure ids of ``chapter`` with ``satisfaction.<instrument>`` expanded."""
    if chapter not in CHAPTER_FIGURES:
        raise ParameterError(
            f"chapter {chapter!r} has no figures; chapters with figures: {', '.join(CHAPTER_FIGURES)}"
        )
    ids = []
    for figure_id in CHAPTER_FIGURES[chapter]:
        if figure_id == PER_INSTRUMENT:
            ids += [
                f"satisfaction.{code}" for code in satisfaction.instruments_with_enough_users(dataset, scope)
            ]
        else:
            ids.append(figure_id)
    return ids


def chapter_figures(
    chapter: str, dataset: Dataset, scope: Scope, style: ChartStyle | None = None
) -> list[Figure]:
    """Every figure of ``chapter`` in report order."""
    return [
        build_figure(figure_id, dataset, scope, style)
        for figure_id in chapter_figure_ids(chapter, dataset, scope)
    ]


__all__ = [
    "CHAPTER_FIGURES",
    "FIGURES",
    "PER_INSTRUMENT",
    "build_figure",
    "chapter_figure_ids",
    "chapter_figures",
]
