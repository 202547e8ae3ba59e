"""Chapter "Effecten": the figures of the final report's comparison of pilot and control group.

- ``effects.outcomes``: forest plot of the adjusted (``ancova``) effects of
  both analyses, one axis per unit (percentage points, scale points, hours)
  with 0 marked; its text is the verdict per outcome. The T0/T2 means per
  group are figure ``effects.means`` (:mod:`via_reports.figures.effects_flow`).
- ``effects.baseline``: balance of the groups at T0 (standardised differences).
- ``effects.nonresponse``: who did and did not answer T2, per group.
- ``effects.attrition``: response and exits per group and wave.
- ``effects.exit_paid_work``: exit to paid work per group.

The statistics are in :mod:`via_reports.analysis.effects` and
:mod:`via_reports.analysis.balance`, the words in
:mod:`via_reports.figures.effects_text`. Appendix tables are translated and
formatted here: percentages with one decimal, p-values with a fixed number
of decimals.
"""

from __future__ import annotations

import weakref

import altair as alt
import pandas as pd

from via_reports.analysis.balance import IMBALANCE
from via_reports.analysis.effects import (
    ANALYSES,
    ATTRITION_COLUMNS,
    EFFECTS_COLUMNS,
    EXIT_COLUMNS,
    GROUPS,
    OUTCOMES,
    exit_to_paid_work,
    groups_present,
    is_binary,
    people_with_both_waves,
)
from via_reports.analysis.formatting import percent_text, percent_value, p_value_number
from via_reports.analysis.scope import Scope
from via_reports.data.codebook import load_codebook
from via_reports.data.dataset import Dataset
from via_reports.figures import effects_checks as checks
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure, plain_values
from via_reports.figures.common import table_percent
from via_reports.figures.effects_text import (
    EffectsResults,
    attrition_sentence,
    baseline_text,
    decimals,
    exit_sentence,
    nonresponse_text,
    outcomes_text,
    scale,
    too_small_note,
    unit,
)
from via_reports.figures.declaration import CountRule, figure
from via_reports.figures.figure import Figure
from via_reports.figures.wording import interval, number, signed, wording

#: The units of the forest plot, one axis each, in order.
UNITS = ("proportion", "points", "hours")

#: Per dataset (by identity, dropped with the dataset) and scope: the effects tables.
_RESULTS: dict[int, dict[Scope, EffectsResults]] = {}


def results_for(dataset: Dataset, scope: Scope) -> EffectsResults:
    """The effects tables of ``dataset`` and ``scope``, computed once for all five figures."""
    key = id(dataset)
    if key not in _RESULTS:
        _RESULTS[key] = {}
        weakref.finalize(dataset, _RESULTS.pop, key, None)
    per_scope = _RESULTS[key]
    if scope not in per_scope:
        per_scope[scope] = EffectsResults.compute(dataset, scope)
    return per_scope[scope]


def has_both_groups(dataset: Dataset) -> bool:
    return groups_present(dataset) == list(GROUPS)


def analysis_label(results: EffectsResults, analysis: str, key: str = "analyses") -> str:
    name = "primary_randomized" if analysis == "primary" and results.randomized else analysis
    return results.words[key][name]


def group_n_label(counts: dict[str, int], language: str) -> str:
    """'pilot n=40, controlegroep n=68'."""
    words = wording("effects", language)["n_groups"]
    return ", ".join(f"{words[g]} n={n}" for g, n in counts.items())


# ---------------------------------------------------------------------------
# effects.outcomes


def _forest_frame(results: EffectsResults) -> pd.DataFrame:
    rows = []
    headline = results.outcomes[results.outcomes["estimator"] == "ancova"]
    for _, row in headline.iterrows():
        outcome, factor = row["outcome"], scale(row["outcome"])
        rows.append({"analysis": analysis_label(results, row["analysis"]), "unit": unit(outcome),
                     "outcome": results.words["outcomes"][outcome], "effect": row["effect"] * factor,
                     "ci_low": row["ci_low"] * factor, "ci_high": row["ci_high"] * factor,
                     # a public edition's n of 1 to k−1 is empty (figures/public.py)
                     "n_pilot": None if pd.isna(row["n_pilot"]) else int(row["n_pilot"]),
                     "n_control": None if pd.isna(row["n_control"]) else int(row["n_control"])})
    # the columns also without rows (every estimate withheld in a small public edition)
    return pd.DataFrame(rows, columns=["analysis", "unit", "outcome", "effect", "ci_low", "ci_high", "n_pilot",
                                       "n_control"])


def _forest_panel(frame: pd.DataFrame, *, title: str, analyses: list[str], outcomes: list[str],
                  style: ChartStyle, width: int) -> alt.LayerChart:
    # Not the group colours of the means below: a colour means one thing per figure.
    colours = [style.text_color, style.missing_color][:len(analyses)]
    y = alt.Y("outcome:N", sort=outcomes, title=None)
    y_offset = alt.YOffset("analysis:N", sort=analyses)
    colour = alt.Color("analysis:N", sort=analyses, title=None, scale=alt.Scale(domain=analyses, range=colours),
                       legend=alt.Legend(labelLimit=480, columns=1))
    # zero=True keeps 0 inside the axis whatever the intervals are
    x = alt.X("ci_low:Q", title=title, scale=alt.Scale(zero=True, nice=True))
    base = alt.Chart(plain_values(frame))
    tooltip = ["outcome:N", "analysis:N", alt.Tooltip("effect:Q", format=".2f"),
               alt.Tooltip("ci_low:Q", format=".2f"), alt.Tooltip("ci_high:Q", format=".2f"),
               "n_pilot:Q", "n_control:Q"]
    interval = base.mark_rule(strokeWidth=2).encode(y=y, yOffset=y_offset, color=colour, x=x, x2="ci_high:Q")
    point = base.mark_point(filled=True, size=60, opacity=1).encode(
        y=y, yOffset=y_offset, color=colour, x="effect:Q", tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=style.text_color, strokeWidth=1.5).encode(
        x="zero:Q")
    height = max(40, style.bar_height * len(outcomes) * max(1, len(analyses)) + 8 * len(outcomes))
    return alt.layer(interval, point, zero).properties(width=width, height=height)


def _outcomes_chart(results: EffectsResults, style: ChartStyle) -> alt.TopLevelMixin:
    """The forest plot alone, one panel per unit; the means are figure ``effects.means`` (statistics v3)."""
    forest = _forest_frame(results)
    analyses = [analysis_label(results, a) for a in ANALYSES if a in set(results.outcomes["analysis"])]
    panels = []
    # one plot width for every panel: one above the other, they share the left edge of the widest labels
    width = style.plot_width_beside(forest["outcome"])
    for unit_code in UNITS:
        part = forest[forest["unit"] == unit_code]
        if part.empty:
            continue
        # the primary outcome first, as in the text (statistics v3)
        outcomes = [results.words["outcomes"][o] for o in checks.primary_first(list(OUTCOMES), results.primary_outcome)
                    if unit(o) == unit_code]
        panels.append(_forest_panel(part, title=results.words["axis"][unit_code], analyses=analyses,
                                    outcomes=outcomes, style=style, width=width))
    forests = alt.vconcat(*panels, title=results.words["forest_title"].format(t2=results.last_wave)
                          ).resolve_scale(x="independent")
    return configure(forests, style)


def _outcomes_alt_text(results: EffectsResults) -> str:
    words = results.words
    items = []
    for outcome, row in results.estimates().iterrows():
        label = words["outcomes"][outcome]
        if pd.isna(row["effect"]) or pd.isna(row["ci_low"]):
            items.append(f"{label}: {words['no_estimate']}")
            continue
        items.append(words["alt_item"].format(label=label, ci=words["ci_short"],
                                              **{k: v for k, v in results.values(outcome, row).items()
                                                 if k != "ci"}))
    return words["alt_forest"].format(t0=results.first_wave, t2=results.last_wave, items="; ".join(items))


def table_value(value: float, n: int, share: bool, language: str) -> str:
    """A mean for an appendix table: a share as '14,7%' (from its count), else one decimal; '–' without people."""
    if pd.isna(value) or not n:
        return "–"
    if share:
        return f"{table_percent(percent_value(round(value * n), n), language)}%"
    return number(value, language, 1)


def _outcomes_table(results: EffectsResults) -> pd.DataFrame:
    words, language = results.words, results.language
    head = words["table"]
    means = head["means"].format(t0=results.first_wave, t2=results.last_wave)
    rows = []
    for _, row in results.outcomes.iterrows():
        outcome = row["outcome"]
        factor, places, short = scale(outcome), decimals(outcome), words["short_units"][unit(outcome)]
        values = {side: "\u00a0→ ".join(table_value(row[f"{side}_{t}"], int(row[f"n_{side}"]), is_binary(outcome),
                                                    language) for t in ("t0", "t2")) for side in GROUPS}
        missing = pd.isna(row["effect"])
        rows.append({
            head["outcome"]: words["outcomes"][outcome],
            head["analysis"]: analysis_label(results, row["analysis"], "analyses_short"),
            head["estimator"]: words["estimators_short"][row["estimator"]],
            "n": f"{int(row['n_pilot'])} / {int(row['n_control'])}",
            f"{head['pilot']} {means}": values["pilot"],
            f"{head['control']} {means}": values["control"],
            head["effect"]: "–" if missing else f"{signed(row['effect'] * factor, language, places)}\u00a0{short}",
            head["ci"]: "–" if pd.isna(row["ci_low"]) else interval(row["ci_low"] * factor, row["ci_high"] * factor,
                                                                    language, places),
            head["p"]: p_value_number(row["p_value"], language, results.alpha),
            head["p_holm"]: p_value_number(row["p_holm"], language, results.alpha),
            head["mde"]: "–" if pd.isna(row["mde"]) else f"{number(row['mde'] * factor, language, places)}\u00a0{short}",
        })
    return pd.DataFrame(rows)


def _as_shown(results: EffectsResults, scope: Scope) -> EffectsResults:
    """The results the chapter's words are made from: a public edition's with its withheld rows empty,
    so that a publishable outcome keeps its paragraph and names the rows withheld (figures/effects_public.py)."""
    if not scope.public:
        return results
    from via_reports.figures.effects_public_text import public_results

    return public_results(results, scope.min_cell)


@figure("effects.outcomes", chapter="effects", order=20, columns=dict.fromkeys(EFFECTS_COLUMNS), disclosure="outcomes",
        caption="templates/pdf/wording/effects.yaml: title")
def outcomes(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.outcomes``: forest plot of the adjusted effects plus T0/T2 means per group.

    ``data`` is :func:`~via_reports.analysis.effects.effects_table`; ``n``
    counts the pilot and control people of the primary analysis who answered
    both T0 and T2. None when the data hold no control group (or no pilot):
    there is nothing to compare, and :func:`effects_text` says why.
    """
    if not has_both_groups(dataset):
        return None
    style = style or DEFAULT_STYLE
    results = results_for(dataset, scope)
    shown = _as_shown(results, scope)  # a public edition's: withheld rows empty, so neither drawn nor stated
    counts = people_with_both_waves(dataset, scope)["primary"]
    too_small = too_small_note(results)
    return Figure(
        id="effects.outcomes",
        title=results.words["title"].format(t0=scope.first_wave, t2=scope.last_wave),
        n=counts["pilot"] + counts["control"],
        data=results.outcomes,
        chart=_outcomes_chart(shown, style),
        alt_text=_outcomes_alt_text(results),
        language=scope.language,
        text=outcomes_text(shown),
        notes=[too_small] if too_small else [],
        table=_outcomes_table(results),
        n_label=group_n_label(counts, scope.language),
    )


def effects_text(dataset: Dataset, scope: Scope) -> list[str]:
    """The chapter's words when there is nothing to compare (no control group or no pilot)."""
    text = wording("effects", scope.language)["text"]
    present = groups_present(dataset)
    if "control" not in present:
        return [text["no_control"]]
    if "pilot" not in present:
        return [text["no_pilot"]]
    return outcomes_text(results_for(dataset, scope))


# ---------------------------------------------------------------------------
# effects.attrition and effects.exit_paid_work


def _attrition_statuses(results: EffectsResults) -> tuple[list[str], list[str]]:
    """(exit reason codes, status labels: responded, left per reason, no answer)."""
    codebook = load_codebook()
    reasons = list(codebook["exit_reason"].codes)
    words = results.words
    labels = [words["responded"]] + [words["left"].format(reason=codebook.label("exit_reason", r, results.language))
                                     for r in reasons] + [words["no_answer"]]
    return reasons, labels


@figure("effects.attrition", chapter="effects", order=60, columns=dict.fromkeys(ATTRITION_COLUMNS), disclosure="attrition",
        caption="templates/pdf/wording/effects.yaml: attrition_title")
def attrition(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    """Figure ``effects.attrition``: response, non-response and exits per group and wave."""
    style = style or DEFAULT_STYLE
    results = results_for(dataset, scope)
    words, language = results.words, scope.language
    table = results.attrition
    reasons, statuses = _attrition_statuses(results)
    rows = []
    for (group, wave), part in table.groupby(["group", "wave"], sort=False):
        count = dict(zip(zip(part["measure"], part["exit_reason"].fillna("")), part["count"]))
        left = [int(count[("left", r)]) for r in reasons]
        values = [int(count[("responded", "")]), *left, int(count[("not_responded", "")]) - sum(left)]
        for order, (status, value) in enumerate(zip(statuses, values)):
            rows.append({"group": words["groups"][group], "wave": wave, "status": status, "count": value,
                         "order": order})
    frame = pd.DataFrame(rows)
    group_order = [words["groups"][g] for g in groups_present(dataset)]
    colours = [style.palette[i % len(style.palette)] for i in range(len(statuses) - 1)] + [style.missing_color]
    chart = alt.Chart(plain_values(frame)).mark_bar().encode(
        y=alt.Y("wave:N", sort=list(scope.waves), title=None),
        x=alt.X("count:Q", stack="zero", title=words["attrition_axis"], axis=alt.Axis(tickMinStep=1, format=",.0f")),
        color=alt.Color("status:N", sort=statuses, title=None, scale=alt.Scale(domain=statuses, range=colours)),
        order=alt.Order("order:Q", sort="ascending"),
        row=alt.Row("group:N", sort=group_order, title=None),
        tooltip=["group:N", "wave:N", "status:N", "count:Q"],
    ).properties(width=style.width, height=max(style.height, 2 * style.bar_height * len(scope.waves)))
    items = [f"{r['group']} {r['wave']}, {r['status']}: {r['count']}" for _, r in frame.iterrows() if r["count"]]
    started = table[table["measure"] == "started"].drop_duplicates("group").set_index("group")["n"]
    counts = {g: int(started[g]) for g in groups_present(dataset)}
    text = [attrition_sentence(dataset, scope)] if has_both_groups(dataset) else []
    return Figure(
        id="effects.attrition",
        title=words["attrition_title"],
        n=sum(counts.values()),
        data=table,
        chart=configure(chart, style),
        alt_text=words["alt_attrition"].format(items="; ".join(items)),
        language=language,
        text=text,
        table=_attrition_table(results, table),
        n_label=group_n_label(counts, language),
    )


def _attrition_table(results: EffectsResults, table: pd.DataFrame) -> pd.DataFrame:
    words, head = results.words, results.words["table"]
    codebook = load_codebook()
    statuses = {"started": words["started"], "responded": words["responded"], "not_responded": words["not_responded"]}
    rows = []
    for _, row in table.iterrows():
        status = statuses.get(row["measure"]) or words["left"].format(
            reason=codebook.label("exit_reason", row["exit_reason"], results.language))
        rows.append({head["group"]: words["groups"][row["group"]], head["wave"]: row["wave"], head["status"]: status,
                     head["count"]: int(row["count"]), head["percent"]: table_percent(row["percent"], results.language)})
    return pd.DataFrame(rows)


@figure("effects.exit_paid_work", chapter="effects", order=70, columns=dict.fromkeys(EXIT_COLUMNS),
        caption="templates/pdf/wording/effects.yaml: exit_title",
        # Fisher's p of an analysis is computed from both groups' counts: a withheld count withholds it
        disclosure=CountRule(binary=True, derived=("p_value",), derived_by=("analysis",)))
def exit_paid_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.exit_paid_work``: share leaving for paid work per group (None without both groups)."""
    if not has_both_groups(dataset):
        return None
    style = style or DEFAULT_STYLE
    results = results_for(dataset, scope)
    words, head, language = results.words, results.words["table"], scope.language
    table = exit_to_paid_work(dataset, scope)
    frame = pd.DataFrame({
        "analysis": [analysis_label(results, a) for a in table["analysis"]],
        "group": [words["groups"][g] for g in table["group"]],
        "percent": table["percent"].to_numpy(), "count": table["count"].to_numpy(), "n": table["n"].to_numpy(),
    })
    analyses = list(dict.fromkeys(frame["analysis"]))
    groups = [words["groups"][g] for g in GROUPS]
    colours = [style.palette[i % len(style.palette)] for i in range(len(groups))]
    chart = alt.Chart(plain_values(frame)).mark_bar().encode(
        y=alt.Y("analysis:N", sort=analyses, title=None),
        yOffset=alt.YOffset("group:N", sort=groups),
        x=alt.X("percent:Q", title=words["exit_axis"], scale=alt.Scale(zero=True)),
        color=alt.Color("group:N", sort=groups, title=None, scale=alt.Scale(domain=groups, range=colours)),
        tooltip=["analysis:N", "group:N", "count:Q", "n:Q", alt.Tooltip("percent:Q", format=".1f")],
    ).properties(width=style.width, height=max(style.height, style.bar_height * 2 * len(analyses) + 8))
    items = [f"{r['analysis']}, {r['group']}: {percent_text(int(r['count']), int(r['n']), language)}"
             for _, r in frame.iterrows()]
    primary = table[table["analysis"] == "primary"].set_index("group")
    counts = {g: int(primary.loc[g, "n"]) for g in GROUPS}
    display = pd.DataFrame({
        head["analysis"]: frame["analysis"], head["group"]: frame["group"], head["count"]: frame["count"],
        head["n"]: frame["n"], head["percent"]: [table_percent(v, language) for v in frame["percent"]],
        head["p"]: [p_value_number(p, language, scope.alpha) for p in table["p_value"]],
    })
    return Figure(
        id="effects.exit_paid_work",
        title=words["exit_title"],
        n=sum(counts.values()),
        data=table,
        chart=configure(chart, style),
        alt_text=words["alt_exit"].format(items="; ".join(items)),
        language=language,
        text=[exit_sentence(dataset, scope)],
        table=display,
        n_label=group_n_label(counts, language),
    )
