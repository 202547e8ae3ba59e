"""Chapter "Effecten": who went where (``effects.flow``) and the T0/T2 means per group (``effects.means``).

Statistics v3 (REPORTS.md) splits the v2 chart of ``effects.outcomes`` in
two, so each is legible in print: the forest plot stays in
``effects.outcomes``; the means per group and wave are ``effects.means``
(columns ``analysis``, ``group``, ``outcome``, ``wave``, ``mean``, ``n``:
the people of the complete-case ``ancova`` row, binary outcomes as
proportions 0–1). ``effects.flow`` is the CONSORT-style account per analysis
and group: ``assigned`` (the people of the analysis), ``answered_t0``,
``left_for_work`` (exit_reason paid_work by the end of T2's fieldwork),
``answered_t2`` (answered T2, whether or not they answered T0) and
``analysed`` (the people in the primary outcome's complete-case ``ancova``).
Each stage counts the people of the analysis with that property; it is not
a funnel, so the stages need not add up.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from via_reports.analysis.disclosure import MARKER
from via_reports.analysis.effects import GROUPS, OUTCOMES, design, is_binary, left_for_paid_work
from via_reports.analysis.formatting import percent_value
from via_reports.analysis.populations import respondent_ids
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure, plain_values
from via_reports.figures.effects import analysis_label, group_n_label, has_both_groups, results_for, table_value
from via_reports.figures.effects_text import unit
from via_reports.figures.declaration import figure
from via_reports.figures.figure import Figure, SpecChart
from via_reports.figures.wording import wording

STAGES = ("assigned", "answered_t0", "left_for_work", "answered_t2", "analysed")
FLOW_COLUMNS = ("analysis", "group", "stage", "count")
MEANS_COLUMNS = ("analysis", "group", "outcome", "wave", "mean", "n")


def _words(language: str) -> dict:
    return wording("effects_v3", language)["figures"]


def _shown(table: pd.DataFrame, scope: Scope) -> tuple[pd.DataFrame, pd.Series]:
    """The rows a chart is drawn from, and per row whether it is withheld.

    REPORTS.md: disclosure control withholds the cells that need it, never a
    whole chapter's conclusions. So a public edition's chart is drawn from the
    rows its CSV publishes (:func:`~via_reports.figures.public.public_effects_counts`),
    a withheld one shown as withheld, rather than emptied as a whole; an
    internal edition's from every row.
    """
    if not scope.public:
        return table, pd.Series(False, index=table.index)
    from via_reports.figures.public import public_effects_counts

    data, withheld = public_effects_counts(table, scope.min_cell)
    return data, pd.Series(withheld, index=table.index, dtype=bool)


def _finish_chart(chart, style: ChartStyle, scope: Scope):
    """The configured chart; a public edition's says it was drawn from the public rows for its k, so that
    :func:`~via_reports.figures.public.public_figure` keeps it (any other chart it empties).

    A withheld value is null in the public spec, not NaN: Altair writes an empty cell as NaN, which
    is no JSON, and the HTML edition's browser would not parse the chart.
    """
    chart = configure(chart, style)
    if not scope.public:
        return chart
    spec = chart.properties(usermeta={"public_min_cell": scope.min_cell}).to_dict()
    spec["datasets"] = {name: [{c: None if isinstance(v, float) and math.isnan(v) else v for c, v in row.items()}
                               for row in rows] for name, rows in spec.get("datasets", {}).items()}
    return SpecChart(spec)


def flow_table(dataset: Dataset, scope: Scope, outcomes: pd.DataFrame, primary: str) -> pd.DataFrame:
    """The counts of ``effects.flow`` (columns :data:`FLOW_COLUMNS`), from the persons and the effects table."""
    t0, t2 = respondent_ids(dataset, scope.first_wave), respondent_ids(dataset, scope.last_wave)
    left = left_for_paid_work(dataset, scope.last_wave)
    rows = []
    for analysis in design(dataset).analyses:
        headline = outcomes[(outcomes["analysis"] == analysis.name) & (outcomes["outcome"] == primary)
                            & (outcomes["estimator"] == "ancova")]
        for group, ids in (("pilot", analysis.pilot), ("control", analysis.control)):
            analysed = int(headline[f"n_{group}"].iloc[0]) if len(headline) else 0
            counts = (len(ids), len(ids & t0), len(ids & left), len(ids & t2), analysed)
            rows += [{"analysis": analysis.name, "group": group, "stage": stage, "count": count}
                     for stage, count in zip(STAGES, counts)]
    table = pd.DataFrame(rows, columns=list(FLOW_COLUMNS))
    table[["analysis", "group", "stage"]] = table[["analysis", "group", "stage"]].astype("string")
    table["count"] = table["count"].astype("int64")
    return table


def means_table(outcomes: pd.DataFrame, first_wave: str, last_wave: str) -> pd.DataFrame:
    """The means of ``effects.means`` (columns :data:`MEANS_COLUMNS`) from the complete-case ``ancova`` rows."""
    rows = []
    for _, row in outcomes[outcomes["estimator"] == "ancova"].iterrows():
        for group in GROUPS:
            for wave, column in ((first_wave, f"{group}_t0"), (last_wave, f"{group}_t2")):
                rows.append({"analysis": row["analysis"], "group": group, "outcome": row["outcome"], "wave": wave,
                             "mean": float(row[column]), "n": int(row[f"n_{group}"])})
    table = pd.DataFrame(rows, columns=list(MEANS_COLUMNS))
    for column in ("analysis", "group", "outcome", "wave"):
        table[column] = table[column].astype("string")
    table["n"] = table["n"].astype("int64")
    return table


@figure("effects.flow", chapter="effects", order=10, columns=dict.fromkeys(FLOW_COLUMNS), disclosure="effects_counts",
        caption="templates/pdf/wording/effects_v3.yaml: flow_title")
def flow(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.flow``: a box per group and stage with its count, per analysis (None without both groups)."""
    if not has_both_groups(dataset):
        return None
    style = style or DEFAULT_STYLE
    results = results_for(dataset, scope)
    words, language = _words(scope.language), scope.language
    table = flow_table(dataset, scope, results.outcomes, results.primary_outcome)
    stage_words = {s: words["stages"][s].format(t0=scope.first_wave, t2=scope.last_wave) for s in STAGES}
    shown, withheld = _shown(table, scope)
    frame = pd.DataFrame({
        "analysis": [analysis_label(results, a, "analyses_short") for a in table["analysis"]],
        "group": [results.words["groups"][g] for g in table["group"]],
        "stage": [stage_words[s] for s in table["stage"]],
        "count": table["count"].to_numpy(),
    })
    # the chart's boxes: a withheld count is the marker the public note explains, and no number
    drawn = frame.assign(count=[None if w else int(c) for c, w in zip(shown["count"], withheld)],
                         label=[MARKER if w else str(int(c)) for c, w in zip(shown["count"], withheld)])
    groups = [results.words["groups"][g] for g in GROUPS]
    stages = [stage_words[s] for s in STAGES]
    base = alt.Chart(plain_values(drawn)).encode(
        x=alt.X("group:N", sort=groups, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("stage:N", sort=stages, title=None, axis=alt.Axis(labelLimit=260)))
    boxes = base.mark_rect(stroke=style.text_color, fill="white", strokeWidth=1)
    counts = base.mark_text(fontSize=style.font_size, color=style.text_color).encode(text="label:N")
    chart = alt.layer(boxes, counts).properties(width=200, height=style.bar_height * 2 * len(STAGES)).facet(
        column=alt.Column("analysis:N", sort=list(dict.fromkeys(frame["analysis"])), title=None,
                          header=alt.Header(labelFontSize=style.font_size)))
    head = words["table"]
    display = pd.DataFrame({head["analysis"]: frame["analysis"], head["group"]: frame["group"],
                            head["stage"]: frame["stage"], head["count"]: frame["count"]})
    items = [f"{r['analysis']}, {r['group']}, {r['stage']}: {r['count']}" for _, r in frame.iterrows()]
    assigned = table[(table["analysis"] == "primary") & (table["stage"] == "assigned")].set_index("group")["count"]
    counts_n = {g: int(assigned[g]) for g in GROUPS}
    return Figure(id="effects.flow", title=words["flow_title"], n=sum(counts_n.values()), data=table,
                  chart=_finish_chart(chart, style, scope), alt_text=words["flow_alt"].format(items="; ".join(items)),
                  language=language, text=[words["flow_text"].format(t2=scope.last_wave)], table=display,
                  n_label=group_n_label(counts_n, language))


#: The y scale of the means per unit: shares on 0–100%, the 1–10 scale on 0–10, hours from 0.
_MEANS_DOMAIN = {"proportion": [0, 100], "points": [0, 10], "hours": None}


def _means_panel(frame: pd.DataFrame, unit_code: str, groups: list[str], waves: list[str], axis_title: str,
                 style: ChartStyle) -> alt.FacetChart:
    colours = [style.palette[i % len(style.palette)] for i in range(len(groups))]
    domain = _MEANS_DOMAIN[unit_code]
    y_scale = alt.Scale(domain=domain) if domain else alt.Scale(zero=True, nice=True)
    outcomes = list(dict.fromkeys(frame["outcome"]))
    chart = alt.Chart(plain_values(frame)).mark_line(point=True).encode(
        x=alt.X("wave:O", sort=waves, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=axis_title, scale=y_scale),
        color=alt.Color("group:N", sort=groups, title=None, scale=alt.Scale(domain=groups, range=colours),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["group:N", "wave:O", alt.Tooltip("value:Q", format=".1f"), "n:Q"],
    ).properties(width=160, height=96)
    # three panels a row at 160 px, four rows at 96 px: with the outcomes' names above them (up to 200 px)
    # the chart fits the page as first drawn (at 170 x 110 px the fit drew it three times, and report.css
    # then printed it at 75%), and its labels stay legible in print
    return chart.facet(facet=alt.Facet("outcome:N", sort=outcomes, title=None,
                                       header=alt.Header(labelFontSize=style.font_size, labelLimit=200)),
                       columns=3)


@figure("effects.means", chapter="effects", order=30, columns=dict.fromkeys(MEANS_COLUMNS), disclosure="effects_counts",
        caption="templates/pdf/wording/effects.yaml: means_title")
def means(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.means``: per outcome the T0 and T2 share or mean of each group, primary analysis."""
    if not has_both_groups(dataset):
        return None
    style = style or DEFAULT_STYLE
    results = results_for(dataset, scope)
    words, language = _words(scope.language), scope.language
    table = means_table(results.outcomes, scope.first_wave, scope.last_wave)
    shown, withheld = _shown(table, scope)
    primary = shown[table["analysis"] == "primary"]
    groups = [results.words["groups"][g] for g in GROUPS]
    # a panel with a withheld mean (no point drawn) carries the marker the public note explains in its title
    marked = set(primary.loc[withheld[primary.index], "outcome"])
    frame = pd.DataFrame({
        "outcome": [results.words["outcomes"][o] + (f" ({MARKER})" if o in marked else "")
                    for o in primary["outcome"]],
        "unit": [unit(o) for o in primary["outcome"]],
        "group": [results.words["groups"][g] for g in primary["group"]],
        "wave": list(primary["wave"]),
        "value": [None if pd.isna(m) else percent_value(round(m * n), n) if is_binary(o) and n else float(m)
                  for o, m, n in zip(primary["outcome"], primary["mean"], table.loc[primary.index, "n"])],
        "n": [None if pd.isna(n) else int(n) for n in primary["n"]],
    })
    waves = [scope.first_wave, scope.last_wave]
    panels = {u: _means_panel(frame[frame["unit"] == u], u, groups, waves,
                              "%" if u == "proportion" else results.words["axis"][u], style)
              for u in ("proportion", "points", "hours") if (frame["unit"] == u).any()}
    # the shares above, the scale and the hours (one outcome each) side by side below them: one above the
    # other the chart was taller than a page prints (report.css), and its text was printed at 5.6 pt
    rows = [panels[u] for u in ("proportion",) if u in panels]
    others = [panels[u] for u in ("points", "hours") if u in panels]
    if others:
        rows.append(alt.hconcat(*others).resolve_scale(y="independent") if len(others) > 1 else others[0])
    chart = alt.vconcat(*rows).resolve_scale(y="independent")
    analysis = analysis_label(results, "primary", "analysis_in_text")
    head = words["table"]
    display = pd.DataFrame([{
        head["analysis"]: analysis_label(results, r["analysis"], "analyses_short"),
        head["outcome"]: results.words["outcomes"][r["outcome"]], head["group"]: results.words["groups"][r["group"]],
        head["wave"]: r["wave"], head["mean"]: table_value(r["mean"], int(r["n"]), is_binary(r["outcome"]), language),
        head["n"]: int(r["n"]),
    } for _, r in table.iterrows()])
    items = [f"{r['outcome']}, {r['group']} {r['wave']}: {'–' if pd.isna(r['value']) else round(r['value'], 1)}"
             for _, r in frame.iterrows()]
    internal = table[table["analysis"] == "primary"]
    n_rows = internal[internal["outcome"] == OUTCOMES[0]].drop_duplicates("group").set_index("group")["n"]
    counts = {g: int(n_rows.get(g, 0)) for g in GROUPS}
    return Figure(id="effects.means", title=words["means_title"].format(t0=scope.first_wave, t2=scope.last_wave,
                                                                       analysis=analysis),
                  n=sum(counts.values()), data=table, chart=_finish_chart(chart, style, scope),
                  alt_text=words["means_alt"].format(items="; ".join(items)), language=language, table=display,
                  n_label=group_n_label(counts, language))
