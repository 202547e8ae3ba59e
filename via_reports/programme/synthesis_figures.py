"""The figures of the synthesis: the studies' effects, the pooled effects, a forest plot per outcome.

- ``synthesis.studies``: per study and outcome the study's primary ``ancova``
  effect, interval and standard error, and whether it was assigned by lot
  (columns :data:`~via_reports.programme.synthesis_data.STUDY_COLUMNS`);
- ``synthesis.pooled``: per analysis and outcome the random-effects pooling
  (:data:`POOLED_COLUMNS`): ``primary`` pools the studies by lot only,
  ``all_studies`` (a sensitivity row, only when some study was not by lot)
  pools every study;
- ``synthesis.forest.<outcome>``: one row per study with its interval, the
  pooled diamond of the primary pooling and its prediction interval.

Effects of a share are differences in proportions in the CSVs (as in the
studies' own ``effects.outcomes``) and percentage points in the charts.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure, plain_values
from via_reports.figures.figure import Figure
from via_reports.figures.wording import wording
from via_reports.programme.meta import pool
from via_reports.programme.synthesis_data import STUDY_COLUMNS

#: Columns of the figure ``synthesis.pooled``.
POOLED_COLUMNS = ("analysis", "outcome", "k", "effect", "ci_low", "ci_high", "tau2", "i2", "q_p", "pi_low", "pi_high")
#: Outcomes on a scale of their own; the others are shares.
SCALE_UNITS = {"self_rated_health": "points", "job_search_hours": "hours"}


def unit_of(outcome: str) -> str:
    return SCALE_UNITS.get(outcome, "proportion")


def factor_of(outcome: str) -> float:
    """From the CSV's unit to the chart's: proportions to percentage points."""
    return 100.0 if unit_of(outcome) == "proportion" else 1.0


def pooled_rows(studies: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """``synthesis.pooled`` (see the module); a study without a published effect or se is left out."""
    rows = []
    for outcome in outcomes:
        usable = studies[(studies["outcome"] == outcome) & studies["effect"].notna() & studies["se"].notna()
                         & (studies["se"] > 0)]
        by_lot = usable[usable["randomized"]]
        analyses = [("primary", by_lot)]
        if len(by_lot) < len(usable):
            analyses.append(("all_studies", usable))
        for analysis, members in analyses:
            if members.empty:
                continue
            result = pool(members["effect"].tolist(), members["se"].tolist())
            rows.append({"analysis": analysis, "outcome": outcome, "k": result.k, "effect": result.effect,
                         "ci_low": result.ci_low, "ci_high": result.ci_high, "tau2": result.tau2, "i2": result.i2,
                         "q_p": result.q_p, "pi_low": result.pi_low, "pi_high": result.pi_high})
    return pd.DataFrame(rows, columns=list(POOLED_COLUMNS))


def _n(studies: pd.DataFrame) -> int:
    """The participants behind a set of study rows: per study its largest analysed n."""
    totals = studies.assign(total=studies["n_pilot"].fillna(0) + studies["n_control"].fillna(0))
    return int(totals.groupby("study")["total"].max().sum()) if not totals.empty else 0


def studies_figure(studies: pd.DataFrame, language: str, style: ChartStyle = DEFAULT_STYLE) -> Figure:
    words = _words(language)
    counts = (studies.assign(total=studies["n_pilot"].fillna(0) + studies["n_control"].fillna(0))
              .groupby("study", sort=False)["total"].max().reset_index().rename(columns={"total": "n"}))
    chart = alt.Chart(plain_values(counts)).mark_bar(color=style.palette[0]).encode(
        y=alt.Y("study:N", sort=None, title=None), x=alt.X("n:Q", title=words["analysed"]),
        tooltip=["study:N", "n:Q"]).properties(width=style.width, height=style.bar_height * len(counts) + 10)
    alt_text = words["alt_studies"].format(k=len(counts), n=_n(studies))
    table = studies.copy()
    return Figure("synthesis.studies", words["studies_title"], _n(studies), studies[list(STUDY_COLUMNS)],
                  configure(chart, style), alt_text, language, table=table)


def pooled_figure(pooled: pd.DataFrame, studies: pd.DataFrame, language: str,
                  style: ChartStyle = DEFAULT_STYLE) -> Figure:
    words, outcome_words = _words(language), wording("effects", language)["outcomes"]
    shares = pooled[[unit_of(o) == "proportion" for o in pooled["outcome"]]]
    frame = pd.DataFrame({"outcome": [outcome_words.get(o, o) for o in shares["outcome"]],
                          "effect": shares["effect"] * 100, "ci_low": shares["ci_low"] * 100,
                          "ci_high": shares["ci_high"] * 100,
                          "analysis": [words["analyses"][a] for a in shares["analysis"]]})
    base = alt.Chart(plain_values(frame))
    y = alt.Y("outcome:N", sort=None, title=None)
    colour = alt.Color("analysis:N", title=None, scale=alt.Scale(range=[style.text_color, style.missing_color]))
    chart = alt.layer(
        base.mark_rule(strokeWidth=2).encode(y=y, yOffset="analysis:N", color=colour,
                                             x=alt.X("ci_low:Q", title=words["pp"], scale=alt.Scale(zero=True)),
                                             x2="ci_high:Q"),
        base.mark_point(shape="diamond", filled=True, size=90).encode(y=y, yOffset="analysis:N", color=colour,
                                                                      x="effect:Q"),
        alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=style.text_color).encode(x="zero:Q"),
    ).properties(width=style.width, height=max(40, style.bar_height * 2 * max(1, len(frame["outcome"].unique()))))
    alt_text = words["alt_pooled"].format(outcomes=len(pooled["outcome"].unique()))
    return Figure("synthesis.pooled", words["pooled_title"], _n(studies), pooled[list(POOLED_COLUMNS)],
                  configure(chart, style), alt_text, language)


def forest_figure(outcome: str, studies: pd.DataFrame, pooled: pd.DataFrame, language: str,
                  style: ChartStyle = DEFAULT_STYLE) -> Figure | None:
    """The forest plot of ``outcome``; None when no study published an effect of it."""
    words, effect_words = _words(language), wording("effects", language)
    rows = studies[(studies["outcome"] == outcome) & studies["effect"].notna()]
    if rows.empty:
        return None
    factor = factor_of(outcome)
    frame = [{"study": f"{r.study}" + ("" if r.randomized else f" ({words['not_by_lot_short']})"),
              "marker": words["study"], "effect": r.effect * factor, "ci_low": r.ci_low * factor,
              "ci_high": r.ci_high * factor} for r in rows.itertuples()]
    primary = pooled[(pooled["outcome"] == outcome) & (pooled["analysis"] == "primary")]
    if not primary.empty:
        p = primary.iloc[0]
        frame.append({"study": words["pooled_row"], "marker": words["pooled_kind"], "effect": p["effect"] * factor,
                      "ci_low": p["ci_low"] * factor, "ci_high": p["ci_high"] * factor})
        if pd.notna(p["pi_low"]):
            frame.append({"study": words["prediction_row"], "marker": words["prediction_kind"],
                          "effect": p["effect"] * factor, "ci_low": p["pi_low"] * factor,
                          "ci_high": p["pi_high"] * factor})
    data = pd.DataFrame(frame)
    order = data["study"].tolist()
    kinds = [words["study"], words["pooled_kind"], words["prediction_kind"]]
    base = alt.Chart(plain_values(data))
    y = alt.Y("study:N", sort=order, title=None)
    colour = alt.Color("marker:N", title=None, sort=kinds,
                       scale=alt.Scale(domain=kinds, range=[style.text_color, style.palette[0], style.missing_color]))
    shape = alt.Shape("marker:N", sort=kinds, scale=alt.Scale(domain=kinds, range=["circle", "diamond", "stroke"]),
                      legend=None)
    chart = alt.layer(
        base.mark_rule(strokeWidth=2).encode(
            y=y, color=colour, x=alt.X("ci_low:Q", title=effect_words["axis"][unit_of(outcome)],
                                       scale=alt.Scale(zero=True, nice=True)), x2="ci_high:Q"),
        base.mark_point(filled=True, size=80, opacity=1).encode(y=y, color=colour, shape=shape, x="effect:Q",
                                                                 tooltip=["study:N", alt.Tooltip("effect:Q", format=".1f")]),
        alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=style.text_color).encode(x="zero:Q"),
    ).properties(width=style.width, height=style.bar_height * len(data) + 10)
    label = effect_words["outcomes"].get(outcome, outcome)
    alt_text = words["alt_forest"].format(outcome=label, k=len(rows))
    csv = rows[list(STUDY_COLUMNS)].reset_index(drop=True)
    return Figure(f"synthesis.forest.{outcome}", words["forest_title"].format(outcome=label), _n(rows), csv,
                  configure(chart, style), alt_text, language, table=_forest_table(csv, primary, words))


def _forest_table(csv: pd.DataFrame, primary: pd.DataFrame, words: dict) -> pd.DataFrame:
    """The forest plot's data table as the plot reads: the studies, then the pooled row and the
    prediction interval (its bounds in ci_low and ci_high) where the primary pooling has them.
    The CSV keeps the studies alone (its columns are the studies'); the pooled numbers' own CSV
    is ``synthesis.pooled``."""
    if primary.empty:
        return csv
    p = primary.iloc[0]
    extra = [{"study": words["pooled_kind"], "outcome": p["outcome"], "randomized": True, "n_pilot": None,
              "n_control": None, "effect": p["effect"], "ci_low": p["ci_low"], "ci_high": p["ci_high"],
              "se": None}]
    if pd.notna(p["pi_low"]):
        extra.append({"study": words["prediction_kind"], "outcome": p["outcome"], "randomized": True,
                      "n_pilot": None, "n_control": None, "effect": None, "ci_low": p["pi_low"],
                      "ci_high": p["pi_high"], "se": None})
    table = csv.astype(object)
    return pd.concat([table, pd.DataFrame(extra, columns=list(STUDY_COLUMNS)).astype(object)], ignore_index=True)


def _words(language: str) -> dict:
    """This module's fixed words in ``language``, from templates/pdf/wording/programme.yaml."""
    return wording("programme", language)["synthesis_figures"]
