"""Subgroup comparisons in words, and figure ``subgroups.comparisons`` (REPORTS.md, "Subgroup comparisons (v2)").

The numbers come from :mod:`via_reports.analysis.subgroups`; the words from
``templates/pdf/wording/subgroups.yaml``. A sentence states a difference only
where the Holm-adjusted p is below alpha; the first group of the split is
always the subject ("in Nederland geboren deelnemers noemen relatief minder
vaak ..."), so which group scores higher never decides the grammar. Each
chapter's comparisons are introduced as exploratory, and a group with fewer
than :data:`~via_reports.analysis.subgroups.SMALL_GROUP` people carries a caution.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

from via_reports.analysis.disclosure import MARKER
from via_reports.analysis.formatting import capitalize_first, format_number, p_value_number, p_value_text, whole_percent
from via_reports.analysis.scope import Scope
from via_reports.analysis.subgroups import COMPARISON_COLUMNS, SMALL_GROUP, Comparison, comparisons_frame
from via_reports.data.codebook import load_codebook
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure, plain_values
from via_reports.figures.declaration import FigureDeclaration, declare
from via_reports.figures.figure import Figure
from via_reports.figures.wording import (
    barrier_words,
    interval,
    number,
    plural,
    signed,
    with_article,
    wording,
)


def group_names(split: str, language: str) -> tuple[str, str]:
    """The plural descriptions of the first and second group of ``split`` in ``language``."""
    words = wording("subgroups", language)["splits"]
    if split in words:
        return words[split]["first"], words[split]["second"]
    kind, _, country = split.partition("_")
    codebook = load_codebook()
    adjective = codebook.label("country", country, language, form="adjective")
    values = {"an_adjective": with_article(adjective, language),
              "country": codebook.label("country", country, language)}
    return words[kind]["first"].format(**values), words[kind]["second"].format(**values)


def comparison_groups(comparison: Comparison, language: str) -> tuple[str, str]:
    """The two groups of a comparison; made within part of the population (statistics v3), each names that
    part ("vrouwen die buiten Nederland geboren zijn" / "women born outside the Netherlands")."""
    group, other = group_names(comparison.split, language)
    part = wording("subgroups", language).get("within", {}).get(comparison.population)
    return (f"{group} {part}", f"{other} {part}") if part else (group, other)


def outcome_words(outcome: str, language: str) -> dict[str, str]:
    """``differs``, ``noun`` and ``label`` of an outcome (a barrier's name filled in)."""
    words = wording("subgroups", language)["outcomes"]
    return dict(words[outcome]) if outcome in words else barrier_words(words["barrier"], outcome, language)


def _numbers(comparison: Comparison, language: str, alpha: float) -> str:
    words = wording("subgroups", language, alpha)
    share = {side: words["share"].format(percent=whole_percent(getattr(comparison, f"count_{side}"),
                                                               getattr(comparison, f"n_{side}")),
                                         n=getattr(comparison, f"n_{side}")) for side in ("a", "b")}
    return words["numbers"].format(
        share_a=share["a"], share_b=share["b"], difference=signed(comparison.difference, language, 1),
        low=number(comparison.ci_low, language, 1), high=number(comparison.ci_high, language, 1),
        p=p_value_text(comparison.p_value, language, alpha), p_holm=_holm_text(comparison, language, alpha))


def _holm_text(comparison: Comparison, language: str, alpha: float) -> str:
    """'p = 0,031', or 'p = ×' when a public edition withholds it (a left-out comparison's term)."""
    if comparison.holm_withheld:
        return f"p = {MARKER}"
    return p_value_text(comparison.p_holm, language, alpha)


def comparison_sentence(comparison: Comparison, language: str, alpha: float) -> str:
    """The sentence of one comparison: a difference only where the Holm-adjusted p < alpha."""
    words = wording("subgroups", language)
    group, other = comparison_groups(comparison, language)
    outcome = outcome_words(comparison.outcome, language)
    numbers = _numbers(comparison, language, alpha)
    if comparison.significant(alpha):
        comparative = words["comparative"]["more" if comparison.difference > 0 else "less"]
        claim = outcome["differs"].format(group=group, other=other, comparative=comparative)
        sentence = words["differs"].format(sentence=capitalize_first(claim), numbers=numbers)
    else:
        # statistics v3: an interval that excludes 0 without Holm's p below alpha is "does not hold up after
        # correction", not "no difference"
        excludes_zero = comparison.ci_low > 0 or comparison.ci_high < 0
        key = "not_held" if excludes_zero else "no_difference"
        sentence = words[key].format(group=group, other=other, noun=outcome["noun"], numbers=numbers)
        sentence = capitalize_first(sentence)
    if comparison.small:
        sentence += " " + words["small"].format(limit=SMALL_GROUP)
    return sentence


def not_reported(count: int, k: int, language: str) -> str:
    """A public edition's sentence: how many comparisons it leaves out, and why."""
    words = wording("subgroups", language)
    count_is = plural(words["not_reported_count"], count).format(count=count)
    return words["not_reported"].format(count_is=count_is, k=k)


def chapter_intro(comparisons: Sequence[Comparison], language: str, alpha: float) -> str:
    """'These comparisons are exploratory ... Holm ... for the k comparisons in this chapter.'"""
    count = len(comparisons)
    return plural(wording("subgroups", language)["intro"], count).format(
        count=count, alpha=format_number(alpha, language, 2))


def heading(language: str) -> str:
    return wording("subgroups", language)["heading"]


# ---------------------------------------------------------------------------
# The figure


def _label_parts(comparison: Comparison, language: str) -> tuple[str, str]:
    """('Belemmering: vervoersproblemen', 'Vrouwen tegen mannen'): what was compared, between whom."""
    words = wording("subgroups", language)
    group, other = comparison_groups(comparison, language)
    return outcome_words(comparison.outcome, language)["label"], f"{capitalize_first(group)} {words['versus']} {other}"


def _label(comparison: Comparison, language: str) -> str:
    """'Belemmering: vervoersproblemen — Vrouwen tegen mannen' for the tooltip and the alt text."""
    return " — ".join(_label_parts(comparison, language))


#: Characters per line of a label on the chart's axis. A longer label is wrapped here: Vega would
#: cut it off with "…" at the axis' label limit (and measuring text to cut it is slow).
AXIS_LABEL_LINE = 60


def _axis_label(comparison: Comparison, language: str) -> str:
    """The label as lines (joined by newlines) no longer than :data:`AXIS_LABEL_LINE` characters."""
    return "\n".join(line for part in _label_parts(comparison, language)
                     for line in textwrap.wrap(part, AXIS_LABEL_LINE))


def comparisons_figure(comparisons: Sequence[Comparison], chapter_titles: dict[str, str], scope: Scope,
                       style: ChartStyle | None = None) -> Figure:
    """Figure ``subgroups.comparisons``: every comparison of the report, one row each.

    ``comparisons`` are the chapters' families, each already Holm-adjusted
    (:func:`~via_reports.analysis.subgroups.chapter_comparisons`);
    ``chapter_titles`` gives each chapter's title for chart and table.
    """
    style = style or DEFAULT_STYLE
    language = scope.language
    words = wording("subgroups", language, scope.alpha)
    head = words["table"]
    data = comparisons_frame(comparisons)
    significance = words["legend"]
    frame = pd.DataFrame({
        "label": [_axis_label(c, language) for c in comparisons],
        "chapter": [chapter_titles[c.chapter] for c in comparisons],
        "difference": [c.difference for c in comparisons],
        "ci_low": [c.ci_low for c in comparisons], "ci_high": [c.ci_high for c in comparisons],
        "verdict": [significance["significant" if c.significant(scope.alpha) else "not_significant"]
                    for c in comparisons],
    })
    verdicts = [significance["significant"], significance["not_significant"]]
    colour = alt.Color("verdict:N", sort=verdicts, title=None,
                       scale=alt.Scale(domain=verdicts, range=[style.palette[0], style.missing_color]))
    y = alt.Y("label:N", sort=list(frame["label"]), title=None,
              axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')"))  # the lines, none cut off
    x = alt.X("ci_low:Q", title=words["axis"], scale=alt.Scale(domain=[-100, 100]))
    base = alt.Chart(plain_values(frame))
    rules = base.mark_rule(strokeWidth=2).encode(y=y, x=x, x2="ci_high:Q", color=colour)
    points = base.mark_point(filled=True, size=55, opacity=1).encode(
        y=y, x="difference:Q", color=colour,
        tooltip=["chapter:N", "label:N", alt.Tooltip("difference:Q", format=".1f"),
                 alt.Tooltip("ci_low:Q", format=".1f"), alt.Tooltip("ci_high:Q", format=".1f")])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=style.text_color).encode(x="x:Q")
    lines = max(label.count("\n") + 1 for label in frame["label"])
    row_height = max(style.bar_height, lines * (style.font_size + 2) + 4)
    # below the plot: the x axis, its title and the two-row legend (73 px measured at 10 px text)
    chart = alt.layer(rules, points, zero).properties(
        width=style.plot_width_beside(frame["label"]),
        height=style.plot_height_within(max(style.height, row_height * len(frame) + 10), below=8 * style.font_size))
    items = [words["alt_item"].format(label=_label(c, language), difference=signed(c.difference, language, 1),
                                      low=number(c.ci_low, language, 1), high=number(c.ci_high, language, 1))
             for c in comparisons]
    table = pd.DataFrame([{
        head["chapter"]: chapter_titles[c.chapter],
        head["outcome"]: outcome_words(c.outcome, language)["label"],
        head["group_a"]: capitalize_first(comparison_groups(c, language)[0]),
        head["group_b"]: capitalize_first(comparison_groups(c, language)[1]),
        head["share_a"]: f"{format_number(c.percent_a, language, 1)}%\u00a0({c.n_a})",
        head["share_b"]: f"{format_number(c.percent_b, language, 1)}%\u00a0({c.n_b})",
        head["difference"]: signed(c.difference, language, 1),
        head["ci"]: interval(c.ci_low, c.ci_high, language, 1),
        head["p"]: p_value_number(c.p_value, language, scope.alpha),
        head["p_holm"]: MARKER if c.holm_withheld else p_value_number(c.p_holm, language, scope.alpha),
    } for c in comparisons], columns=[head[k] for k in ("chapter", "outcome", "group_a", "group_b", "share_a",
                                                        "share_b", "difference", "ci", "p", "p_holm")])
    return Figure(
        id="subgroups.comparisons",
        title=words["title"],
        n=len(comparisons),
        data=data,
        chart=configure(chart, style),
        alt_text=words["alt"].format(items="; ".join(items)),
        language=language,
        table=table,
        n_label=f"k={len(comparisons)}",
    )


#: Built by the chapter registry (``report_comparisons``), which knows the report's chapters and hands
#: their comparisons to :func:`comparisons_figure`.
declare(FigureDeclaration(
    "subgroups.comparisons", chapter="statistical_tests", order=1, columns=dict.fromkeys(COMPARISON_COLUMNS),
    disclosure="comparisons", caption="templates/pdf/wording/subgroups.yaml: title"))
