"""A figure's facts, declared once, above its function: :func:`figure` and :class:`FigureDeclaration`.

Everything else reads the declaration instead of keeping its own list: the
chapter registry (which figures a chapter shows, in which order, and the
function that builds each), the appendix tables' column headers
(:data:`HEADERS`), the names the interactive charts give their fields
(:data:`CHART_FIELDS`, merged with the shared ones in
``templates/pdf/labels.yaml``), the public edition's disclosure rule
(:func:`via_reports.figures.public.public_figure`) and the tests that check a
figure's CSV columns and docs/figures.md. A figure is declared with a
decorator on its function::

    @figure("barriers.by_wave", chapter="barriers", order=3, caption=TITLES["barriers.by_wave"],
            columns={"wave": WAVE, "barrier": {"nl": "Belemmering", "en": "Barrier"}, **COUNTS},
            chart_fields={"barrier_label": {"nl": "Belemmering", "en": "Barrier"}},
            disclosure=CountRule(binary=True))
    def by_wave(dataset, scope, style=None) -> Figure: ...

What can be wrong with a declaration (no disclosure rule, a header that
another figure words differently, ...) is listed by :func:`problems`, which
the fast test lane runs; a chart field the chart does not draw, or one it
draws without a name, is found there too by building every figure on the tiny
dataset (``tests/test_figure_declarations.py``).

This module is a leaf of the figures layer (it imports nothing of the
package), so that every figure module, ``common`` and ``public`` can import it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: A label in both languages, e.g. ``{"nl": "Aantal", "en": "Number"}``.
Words = dict[str, str]


@dataclass(frozen=True)
class CountRule:
    """Which totals a reader of a count figure knows.

    ``binary``: each row is the number who have something out of its ``n``,
    so the number who have not (n − count) is known too. Otherwise the rows
    with equal ``by`` values form one table whose counts add up to its n
    (what does not add up is an unseen remainder), and a cross table has a
    total per value of each of its ``dims`` (rows and columns).
    """

    binary: bool = False
    by: tuple[str, ...] = ()
    dims: tuple[str, ...] = ()
    #: Statistics computed from the cells of several rows (a test's p-value): withheld in every row of
    #: the rows with equal ``derived_by`` values as soon as one of them is withheld (docs/disclosure.md).
    derived: tuple[str, ...] = ()
    derived_by: tuple[str, ...] = ()


#: The disclosure rules that are not a :class:`CountRule`: figures whose public edition needs
#: rules of their own, each implemented in :func:`via_reports.figures.public.public_figure`.
SPECIAL_RULES = (
    "box_plot",          # percentiles instead of extremes (figures/public_box.py)
    "attrition",         # started = responded + not responded + left, per group and wave
    "outcomes",          # the effects per outcome, withheld with a group below k
    "effects_counts",    # counts and means per group (effects.flow, effects.means)
    "balance",           # standardised differences of pilot and control
    "nonresponse",       # the same, of who did and did not answer
    "comparisons",       # subgroup tests: their four cells
    "change",            # paired tests between waves: their n
)

#: Headers shared by many figures: compose a figure's ``columns`` from them.
COUNTS: dict[str, Words] = {
    "count": {"nl": "Aantal", "en": "Number"},
    "percent": {"nl": "Percentage", "en": "Percentage"},
    "n": {"nl": "n", "en": "n"},
}
WAVE: Words = {"nl": "Meetmoment", "en": "Wave"}
ANSWER: Words = {"nl": "Antwoord", "en": "Answer"}


@dataclass(frozen=True)
class FigureDeclaration:
    """Everything about one figure id (or family, ``satisfaction.<instrument>``) that is not its computation."""

    id: str
    #: The chapter that shows it (not always the id's prefix: ``change.by_wave`` is in ``statistical_tests``).
    chapter: str
    #: Its place among the chapter's figures (ascending; gaps are fine).
    order: int
    #: The CSV columns, in order, each with its appendix header in nl and en; None: the figure's own
    #: code writes its appendix table (the effects figures, the tests).
    columns: dict[str, Words | None]
    #: The public edition's rule: a :class:`CountRule`, or one of :data:`SPECIAL_RULES`.
    disclosure: CountRule | str | None = None
    #: Fields its chart draws that need a name for readers, beyond labels.yaml's shared ``chart_fields``
    #: (None: drawn, never shown, e.g. a sort order).
    chart_fields: dict[str, Words | None] = field(default_factory=dict)
    #: Its caption in nl and en (``{instrument}``, ``{wave}`` filled in by the function), or where its
    #: words live when they are worded with other sentences (``templates/pdf/wording/effects.yaml``).
    caption: Words | str | None = None
    #: ``build(dataset, scope, style=...)``, or ``build(dataset, scope, member, style=...)`` for a family;
    #: None when a higher layer binds it (``subgroups.comparisons``: the registry collects the chapters).
    build: Callable[..., Any] | None = None
    #: A family's members: ``members(dataset, scope)`` -> the codes a report shows.
    members: Callable[..., Sequence[str]] | None = None


#: Every declared figure by id, filled as the figure modules are imported.
DECLARED: dict[str, FigureDeclaration] = {}
#: Column -> appendix header in nl and en, from every declaration (``figures.common.HEADERS``).
HEADERS: dict[str, Words] = {}
#: Chart field -> its name for readers in nl and en (or None), from every declaration.
CHART_FIELDS: dict[str, Words | None] = {}
#: What two declarations disagree on, found while they were registered (reported by :func:`problems`).
_CONFLICTS: list[str] = []


def declare(declaration: FigureDeclaration) -> FigureDeclaration:
    """Register ``declaration``; a second declaration of the same id replaces the first (a reloaded module)."""
    DECLARED[declaration.id] = declaration
    for target, entries, what in ((HEADERS, declaration.columns, "header of column"),
                                  (CHART_FIELDS, declaration.chart_fields, "name of chart field")):
        for name, words in entries.items():
            if words is None and target is HEADERS:
                continue
            if name in target and target[name] != words:
                _CONFLICTS.append(f"{declaration.id}: the {what} {name!r} is {words!r}, "
                                  f"another figure has {target[name]!r}")
                continue
            target[name] = words
    return declaration


def figure(figure_id: str, **facts: Any) -> Callable[[Callable], Callable]:
    """Decorator: declare the decorated function as the builder of ``figure_id`` (see the module's example)."""

    def register(function: Callable) -> Callable:
        function.declaration = declare(FigureDeclaration(figure_id, build=function, **facts))
        return function

    return register


def declaration_of(figure_id: str) -> FigureDeclaration | None:
    """The declaration of ``figure_id``; ``satisfaction.power`` belongs to ``satisfaction.<instrument>``."""
    if figure_id in DECLARED:
        return DECLARED[figure_id]
    for declared in DECLARED.values():
        prefix = declared.id.split("<", 1)[0]
        if declared.members is not None and figure_id.startswith(prefix) and len(figure_id) > len(prefix):
            return declared
    return None


def declared_in(chapter: str) -> list[FigureDeclaration]:
    """The figures ``chapter`` shows, in their declared order."""
    return sorted((d for d in DECLARED.values() if d.chapter == chapter), key=lambda d: (d.order, d.id))


def chart_field_names(language: str) -> dict[str, str | None]:
    """The declared chart fields' names for readers in ``language``."""
    return {name: None if words is None else words[language] for name, words in CHART_FIELDS.items()}


def problems(declaration: FigureDeclaration) -> list[str]:
    """What is missing or wrong in ``declaration``, each naming the figure and the fact."""
    found = []
    if declaration.disclosure is None:
        found.append(f"{declaration.id}: no disclosure rule (disclosure=CountRule(...) or one of "
                     f"{', '.join(SPECIAL_RULES)}); a public edition could not show it")
    elif not isinstance(declaration.disclosure, CountRule) and declaration.disclosure not in SPECIAL_RULES:
        found.append(f"{declaration.id}: unknown disclosure rule {declaration.disclosure!r}")
    if not declaration.columns:
        found.append(f"{declaration.id}: no CSV columns declared")
    if declaration.caption is None:
        found.append(f"{declaration.id}: no caption")
    for name, words in [*declaration.columns.items(), *declaration.chart_fields.items()]:
        if words is not None and set(words) != {"nl", "en"}:
            found.append(f"{declaration.id}: {name!r} needs its words in nl and en, has {sorted(words)}")
    if isinstance(declaration.disclosure, CountRule):
        for column in (*declaration.disclosure.by, *declaration.disclosure.dims):
            if column not in declaration.columns:
                found.append(f"{declaration.id}: its disclosure rule names {column!r}, which is no column of it")
    found += [conflict for conflict in _CONFLICTS if conflict.startswith(declaration.id + ":")]
    return found
