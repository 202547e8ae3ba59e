"""The chapters of a report, in order: one declaration per chapter.

Everything that knows about a chapter reads it here: the build (which
chapters a report kind contains, in which order, computed or text), the
chapter notebooks (which figures and comparisons they show, which parameters
they declare), the figure library's entry points (:func:`build_figure`,
:func:`chapter_figures`) and the tests.

A **computed** chapter has a notebook ``templates/notebooks/<id>.ipynb`` that
shows its figures one by one (``chapter.show("barriers.by_wave")``) and its
subgroup comparisons; the build collects them from the executed notebook. A
**text** chapter is Markdown written by researchers (``templates/text/<lang>/``
or the dataset's own ``text/<lang>/``) with placeholders that read the
figures the computed chapters produced; the summary is one of them.

Adding a computed chapter is one :class:`ChapterSpec` in :data:`CHAPTERS`,
one figures module, its notebook and its tests: see ``docs/architecture.md``.
The figure ids and their CSV columns are listed by ``scripts/figure_catalogue.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from via_reports.analysis import subgroups
from via_reports.analysis.subgroups import public_comparisons
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.exceptions import ParameterError
from via_reports.figures import (  # noqa: F401 - imported for their declarations (figures.declaration)
    balance,
    barriers,
    change,
    effects,
    effects_flow,
    instruments,
    participants,
    participation,
    satisfaction,
)
from via_reports.figures import subgroups as subgroup_figures
from via_reports.figures.charts import ChartStyle
from via_reports.figures.declaration import declared_in
from via_reports.figures.figure import Figure
from via_reports.figures.public import public_figure
from via_reports.options import DEFAULT_OPTIONS, KINDS, check_options

COMPUTED = "computed"
TEXT = "text"

#: ``build(dataset, scope, style=...)`` -> the figure, or None when it does not
#: apply to these data (e.g. ``effects.outcomes`` without a control group).
FigureBuilder = Callable[..., "Figure | None"]


@dataclass(frozen=True)
class FigureSpec:
    """One figure id of the catalogue and the function that builds it.

    A *family* such as ``satisfaction.<instrument>`` stands for one figure per
    member: ``members(dataset, scope)`` lists the members a report shows (the
    instruments with at least ``min_n`` users) and ``build(dataset, scope,
    member, style=...)`` builds one of them, e.g. ``satisfaction.power``.
    """

    id: str
    build: FigureBuilder
    members: Callable[[Dataset, Scope], Sequence[str]] | None = None

    @property
    def is_family(self) -> bool:
        return self.members is not None

    @property
    def prefix(self) -> str:
        """``satisfaction.`` for the family ``satisfaction.<instrument>``."""
        return self.id.split("<", 1)[0]

    def ids(self, dataset: Dataset, scope: Scope) -> list[str]:
        """The figure ids this spec stands for in a report of ``scope``."""
        if self.members is None:
            return [self.id]
        return [self.prefix + member for member in self.members(dataset, scope)]

    def builds(self, figure_id: str) -> bool:
        if self.members is None:
            return figure_id == self.id
        return figure_id.startswith(self.prefix) and len(figure_id) > len(self.prefix)

    def figure(self, figure_id: str, dataset: Dataset, scope: Scope,
               style: ChartStyle | None = None) -> Figure | None:
        """The figure; in a public edition as :func:`~via_reports.figures.public.public_figure` shows it."""
        if self.members is None:
            figure = self.build(dataset, scope, style=style)
        else:
            figure = self.build(dataset, scope, figure_id[len(self.prefix):], style=style)
        if figure is not None and scope.public:
            figure = public_figure(figure, scope.min_cell)
        return figure


#: One comparison function per chapter: ``(dataset, scope) -> [Comparison | None, ...]``
#: (None: a split with an empty group, left out).
ComparisonsBuilder = Callable[[Dataset, Scope], Sequence[Any]]


@dataclass(frozen=True)
class ChapterSpec:
    id: str
    #: :data:`COMPUTED` (a chapter notebook) or :data:`TEXT` (authored Markdown).
    kind: str
    title: dict[str, str]
    #: The report kinds that contain this chapter.
    reports: tuple[str, ...] = KINDS
    #: Its figures in report order (computed chapters).
    figures: tuple[FigureSpec, ...] = ()
    #: Its subgroup comparisons (see :mod:`via_reports.analysis.subgroups`).
    comparisons: ComparisonsBuilder | None = None
    #: Further calls its notebook makes after the figures and comparisons.
    extra_calls: tuple[str, ...] = ()
    #: Set as an appendix (after the authored appendices), not as a numbered chapter.
    appendix: bool = False
    #: Seconds its notebook typically takes on a warm kernel with the demo data (wave T2, measured
    #: 2026-12-06 on a 2-core machine), for a cache that has not yet seen it run: only the order
    #: matters (:func:`via_reports.report.chapter_runs.schedule` runs the longest first).
    seconds: float = 0.0

    @property
    def is_computed(self) -> bool:
        return self.kind == COMPUTED

    def figure_ids(self) -> list[str]:
        """The figure ids as the notebook shows them (a family by its pattern)."""
        return [spec.id for spec in self.figures]

    def notebook_calls(self) -> list[str]:
        """What the chapter's notebook shows, one cell per call, in order."""
        calls = [f'chapter.show("{figure_id}")' for figure_id in self.figure_ids()]
        if self.comparisons is not None:
            calls.append("chapter.show_comparisons()")
        return calls + [f"chapter.{call}" for call in self.extra_calls]


def declared_figures(chapter: str, bound: dict[str, FigureBuilder] | None = None) -> tuple[FigureSpec, ...]:
    """The figures the figure modules declare for ``chapter`` (:mod:`via_reports.figures.declaration`), in order.

    ``bound`` gives the builder of a declared figure whose function lives here, above the figures
    layer (``subgroups.comparisons``, which needs the report's chapters).
    """
    bound = bound or {}
    specs = []
    for declared in declared_in(chapter):
        build = bound.get(declared.id, declared.build)
        if build is None:
            raise ParameterError(f"figure {declared.id} is declared without a function and none is bound to it")
        specs.append(FigureSpec(declared.id, build, declared.members))
    return tuple(specs)


def report_comparisons(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``subgroups.comparisons`` of a report: every chapter's family, in chapter order.

    Each chapter's comparisons come from its own builder in this registry,
    Holm-adjusted within the chapter, so the rows are the ones the chapter
    shows when it runs alone; a public edition leaves out those with a cell
    of 1 to k−1 people. None when the report has none. It lives here, not
    with the figures, because which chapters a report has is the registry's
    business: the figure itself (:func:`~via_reports.figures.subgroups.comparisons_figure`)
    is given the comparisons and the chapter titles.
    """
    chapters = [spec for spec in chapters_for(scope.kind) if spec.comparisons is not None]
    found = [c for spec in chapters
             for c in public_comparisons([c for c in spec.comparisons(dataset, scope) if c is not None],
                                         scope.min_cell)]
    if not found:
        return None
    titles = {spec.id: spec.title[scope.language] for spec in chapters}
    return subgroup_figures.comparisons_figure(found, titles, scope, style)


CHAPTERS: tuple[ChapterSpec, ...] = (
    ChapterSpec("summary", TEXT, {"nl": "Samenvatting", "en": "Summary"}),
    ChapterSpec("introduction", TEXT, {"nl": "Inleiding", "en": "Introduction"}),
    ChapterSpec("approach", TEXT, {"nl": "Beschrijving van de pilot", "en": "The pilot"}),
    ChapterSpec(
        "participants", COMPUTED, {"nl": "Beschrijving van de deelnemers", "en": "The participants"},
        figures=declared_figures("participants"),
        comparisons=subgroups.participants_comparisons,
        seconds=2.6,
    ),
    ChapterSpec(
        "participation", COMPUTED, {"nl": "Participatie per meetmoment", "en": "Participation per wave"},
        figures=declared_figures("participation"),
        comparisons=subgroups.participation_comparisons,
        seconds=1.7,
    ),
    ChapterSpec(
        "instruments", COMPUTED, {"nl": "Inzet van instrumenten", "en": "Use of instruments"},
        figures=declared_figures("instruments"),
        comparisons=subgroups.instruments_comparisons,
        seconds=0.7,
    ),
    ChapterSpec(
        "barriers", COMPUTED, {"nl": "Ervaren belemmeringen", "en": "Experienced barriers"},
        figures=declared_figures("barriers"),
        comparisons=subgroups.barriers_comparisons,
        seconds=1.2,
    ),
    ChapterSpec(
        "satisfaction", COMPUTED, {"nl": "Tevredenheid per instrument", "en": "Satisfaction per instrument"},
        figures=declared_figures("satisfaction"),
        seconds=0.7,
    ),
    ChapterSpec(
        "effects", COMPUTED, {"nl": "Effecten: pilot en controlegroep", "en": "Effects: pilot and control group"},
        reports=("final",),
        figures=declared_figures("effects"),
        extra_calls=("show_effects_text()",),
        seconds=3.2,
    ),
    ChapterSpec("conclusions", TEXT, {"nl": "Conclusie en suggesties", "en": "Conclusions and suggestions"}),
    ChapterSpec(
        "statistical_tests", COMPUTED, {"nl": "Statistische toetsen", "en": "Statistical tests"},
        figures=declared_figures("statistical_tests", {"subgroups.comparisons": report_comparisons}),
        appendix=True,
        seconds=1.5,
    ),
)

#: Authored appendix texts (the generated appendices are added by the renderer).
TEXT_APPENDICES: tuple[ChapterSpec, ...] = (
    ChapterSpec("selection", TEXT, {"nl": "Selectie van deelnemers", "en": "Selection of participants"}),
)


# --------------------------------------------------------------------------- notebook parameters


@dataclass(frozen=True)
class Parameter:
    """One parameter of every chapter notebook: its name, default and the comment beside it."""

    name: str
    default: Any
    comment: str

    @property
    def type(self) -> type:
        return type(self.default)


#: The parameters cell of every chapter notebook declares exactly these, in this
#: order, with these defaults ("" = decided by the data, see :data:`DEFAULT_OPTIONS`).
NOTEBOOK_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("data_dir", "", "dataset folder; empty: the embedded synthetic demo data"),
    Parameter("wave", "", "last wave the report covers, e.g. T1; empty: the last wave answered"),
    Parameter("output_dir", "", "figures/<id>.csv and manifest.json go here; empty: ~/via-reports-output"),
    Parameter("language", "", "nl or en; empty: the language of study.yaml"),
    Parameter("min_n", DEFAULT_OPTIONS["min_n"], "instruments with fewer users get no satisfaction figure"),
    Parameter("alpha", DEFAULT_OPTIONS["alpha"], "significance threshold of the statistical tests"),
    Parameter("kind", "", "interim or final; empty: inferred from the wave"),
    Parameter("theme", DEFAULT_OPTIONS["theme"], "chart colours and font: a theme under templates/pdf/themes"),
    Parameter("public", DEFAULT_OPTIONS["public"], "a public edition: no count below min_cell (docs/disclosure.md)"),
    Parameter("min_cell", DEFAULT_OPTIONS["min_cell"], "threshold of a public edition"),
    Parameter("internal", False, "the internal edition, even when study.yaml says public: true"),
)


def parameter_defaults() -> dict[str, Any]:
    return {p.name: p.default for p in NOTEBOOK_PARAMETERS}


def check_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """The notebook parameters ``values`` with every default filled in; a bad one is an error.

    Used before a kernel starts (:func:`via_reports.chapters.execute.run_chapter`)
    and inside the notebook (:meth:`via_reports.chapters.notebook.ChapterRun.from_parameters`).
    An unknown name (a typo such as ``-p wvae T1``) or a value of the wrong
    type is a :class:`ParameterError`; the values of the report's options
    (wave, kind, language, theme, min_n, alpha; "" is the default) are checked
    by :func:`via_reports.options.check_options`, with the command line's messages.
    """
    declared = parameter_defaults()
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; "
                             f"a chapter notebook takes {', '.join(declared)}")
    checked = {**declared, **values}
    for parameter in NOTEBOOK_PARAMETERS:
        value = checked[parameter.name]
        expected = (int, float) if parameter.type is float else parameter.type
        if value is None or isinstance(value, bool) is not (parameter.type is bool) or not isinstance(value, expected):
            raise ParameterError(
                f"parameter {parameter.name} must be of type {parameter.type.__name__}, not {value!r}")
    check_options({name: DEFAULT_OPTIONS[name] if checked[name] == "" else checked[name]
                   for name in DEFAULT_OPTIONS if name in checked})
    return checked


# --------------------------------------------------------------------------- looking things up


def chapter_spec(chapter_id: str) -> ChapterSpec:
    for spec in (*CHAPTERS, *TEXT_APPENDICES):
        if spec.id == chapter_id:
            return spec
    raise ParameterError(f"unknown chapter {chapter_id!r}; chapters are {', '.join(c.id for c in CHAPTERS)}")


def typical_seconds(chapter_id: str) -> float:
    """The chapter's declared typical seconds; 0.0 for a chapter the registry does not know."""
    return next((spec.seconds for spec in CHAPTERS if spec.id == chapter_id), 0.0)


def chapters_for(kind: str) -> list[ChapterSpec]:
    """The chapters of a report of ``kind``, in order."""
    return [c for c in CHAPTERS if kind in c.reports]


def computed_chapters(kind: str | None = None) -> list[str]:
    """The ids of the computed chapters (of a report of ``kind``), in order."""
    return [c.id for c in CHAPTERS if c.is_computed and (kind is None or kind in c.reports)]


def figure_specs() -> list[FigureSpec]:
    """Every figure of every chapter, in report order."""
    return [figure for chapter in CHAPTERS for figure in chapter.figures]


def figure_spec(figure_id: str) -> FigureSpec:
    """The spec that builds ``figure_id`` (``satisfaction.power`` belongs to ``satisfaction.<instrument>``)."""
    specs = figure_specs()
    for spec in specs:
        if spec.id == figure_id:
            return spec
    for spec in specs:
        if spec.builds(figure_id):
            return spec
    known = ", ".join(spec.id for spec in figure_specs())
    raise ParameterError(f"unknown figure {figure_id!r}; known figures: {known}")


def build_figure(figure_id: str, dataset: Dataset, scope: Scope,
                 style: ChartStyle | None = None) -> Figure | None:
    """The figure ``figure_id`` (e.g. ``participants.age_sex`` or ``satisfaction.power``).

    None when the figure does not apply to these data (``effects.outcomes``
    without a control group). A family id such as ``satisfaction.<instrument>``
    stands for several figures: ask :func:`chapter_figures` or give a member.
    """
    spec = figure_spec(figure_id)
    if spec.is_family and figure_id == spec.id:
        raise ParameterError(f"{figure_id} stands for one figure per member; "
                             f"ask for one, e.g. {spec.prefix}<code>")
    return spec.figure(figure_id, dataset, scope, style)


def chapter_figure_ids(chapter: str, dataset: Dataset, scope: Scope) -> list[str]:
    """The figure ids of ``chapter`` in report order, families expanded."""
    return [figure_id for spec in chapter_spec(chapter).figures for figure_id in spec.ids(dataset, scope)]


def chapter_figures(chapter: str, dataset: Dataset, scope: Scope,
                    style: ChartStyle | None = None) -> list[Figure]:
    """Every figure of ``chapter`` that applies to these data, in report order."""
    figures = (build_figure(figure_id, dataset, scope, style)
               for figure_id in chapter_figure_ids(chapter, dataset, scope))
    return [figure for figure in figures if figure is not None]


def chapter_comparisons(chapter: str, dataset: Dataset, scope: Scope) -> list[Any]:
    """The subgroup comparisons ``chapter`` discusses; splits with an empty group are left out."""
    spec = chapter_spec(chapter)
    if spec.comparisons is None:
        return []
    return [c for c in spec.comparisons(dataset, scope) if c is not None]
