"""Chapter "Effecten": were the groups alike at the start, and who dropped out?

- ``effects.baseline``: per analysis, pilot against control at T0
  (:func:`~via_reports.analysis.balance.baseline_table`);
- ``effects.nonresponse``: per group, those who did and did not answer T2
  (:func:`~via_reports.analysis.balance.nonresponse_table`).

Both charts plot the standardised differences with lines at ±0.1, the bound
above which the text names a difference; the appendix tables give the
shares and means beside them.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from via_reports.analysis.balance import BASELINE_COLUMNS, IMBALANCE, NONRESPONSE_COLUMNS, is_share
from via_reports.analysis.formatting import p_value_number
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure, plain_values
from via_reports.figures.effects import analysis_label, group_n_label, has_both_groups, results_for, table_value
from via_reports.figures.effects_text import EffectsResults, baseline_text, nonresponse_text
from via_reports.figures.declaration import figure
from via_reports.figures.figure import Figure
from via_reports.figures.wording import smd_text


def characteristic_label(results: EffectsResults, characteristic: str) -> str:
    words = results.words
    return words["characteristics"].get(characteristic) or words["outcomes"][characteristic]


def _love_plot(frame: pd.DataFrame, *, series: str, order: list[str], characteristics: list[str], title: str,
               style: ChartStyle) -> alt.LayerChart:
    """Standardised differences per characteristic, one dot per ``series``, lines at 0 and ±0.1."""
    colours = [style.palette[i % len(style.palette)] for i in range(len(order))]
    finite = frame[frame["smd"].map(lambda v: v is not None and math.isfinite(v))]
    limit = max(0.5, float(finite["smd"].abs().max()) if len(finite) else 0.5)
    x = alt.X("smd:Q", title=title, scale=alt.Scale(domain=[-limit, limit], nice=True))
    y = alt.Y("characteristic:N", sort=characteristics, title=None)
    dots = alt.Chart(plain_values(finite)).mark_point(filled=True, size=55, opacity=1).encode(
        x=x, y=y, yOffset=alt.YOffset(f"{series}:N", sort=order),
        color=alt.Color(f"{series}:N", sort=order, title=None, scale=alt.Scale(domain=order, range=colours)),
        tooltip=["characteristic:N", f"{series}:N", alt.Tooltip("smd:Q", format=".2f")])
    bounds = pd.DataFrame({"x": [-IMBALANCE, IMBALANCE]})
    band = alt.Chart(bounds).mark_rule(color=style.missing_color, strokeDash=[4, 3]).encode(x="x:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=style.text_color).encode(x="x:Q")
    height = max(style.height, style.bar_height * len(characteristics) + 10)
    return alt.layer(band, zero, dots).properties(width=style.plot_width_beside(characteristics), height=height)


def _alt_text(results: EffectsResults, frame: pd.DataFrame, series: str) -> str:
    items = [f"{row['characteristic']}, {row[series]}: {smd_text(row['smd'], results.language)}"
             for _, row in frame.iterrows()]
    return results.words["alt_balance"].format(items="; ".join(items))


def _balance_figure(figure_id: str, results: EffectsResults, table: pd.DataFrame, *, series: str,
                    series_label, sides: tuple[str, str], title: str, axis: str, text: list[str],
                    counts: dict[str, int], style: ChartStyle) -> Figure:
    """A love plot of ``table``'s standardised differences per ``series`` (analysis or group) and its table."""
    words, head, language = results.words, results.words["table"], results.language
    full = table
    table = table[table["characteristic"] != "joint_test"]  # a test of all characteristics, not a dot
    labels = [characteristic_label(results, c) for c in dict.fromkeys(table["characteristic"])]
    frame = pd.DataFrame({"characteristic": [characteristic_label(results, c) for c in table["characteristic"]],
                          series: [series_label(v) for v in table[series]], "smd": table["smd"].astype(float)})
    order = list(dict.fromkeys(frame[series]))
    chart = _love_plot(frame, series=series, order=order, characteristics=labels, title=axis, style=style)
    first, second = sides
    display = pd.DataFrame([{
        head["characteristic"]: characteristic_label(results, row["characteristic"]),
        head[series]: series_label(row[series]),
        head[f"n_{first}"]: int(row[f"n_{first}"]), head[f"n_{second}"]: int(row[f"n_{second}"]),
        **{head[side]: table_value(row[f"{side}_mean"], int(row[f"n_{side}"]), is_share(row["characteristic"]),
                                   language) for side in sides},
        head["smd"]: smd_text(row["smd"], language),
        head["flag"]: head["flagged"] if abs(row["smd"]) > IMBALANCE else "",
    } for _, row in table.iterrows()])
    joint = full[full["characteristic"] == "joint_test"]
    if len(joint):
        display = pd.concat([display, pd.DataFrame([{
            head["characteristic"]: words["characteristics"]["joint_test"],
            head[series]: series_label(row[series]),
            head[f"n_{first}"]: int(row[f"n_{first}"]), head[f"n_{second}"]: int(row[f"n_{second}"]),
            **{head[side]: "–" for side in sides}, head["smd"]: "–",
            head["flag"]: f"p = {p_value_number(row['p_value'], language, 0.01)}",
        } for _, row in joint.iterrows()])], ignore_index=True)
    return Figure(id=figure_id, title=title, n=sum(counts.values()), data=full, chart=configure(chart, style),
                  alt_text=_alt_text(results, frame, series), language=language, text=text, table=display,
                  n_label=group_n_label(counts, language))


def _baseline_words(results: EffectsResults, scope: Scope) -> list[str]:
    """The balance paragraphs; a public edition's are made from the rows it shows (figures/effects_public.py)."""
    if not scope.public:
        return baseline_text(results)
    from via_reports.figures.effects_public_text import public_baseline_text

    return public_baseline_text(results, scope.min_cell)


@figure("effects.baseline", chapter="effects", order=40, columns=dict.fromkeys(BASELINE_COLUMNS), disclosure="balance",
        caption="templates/pdf/wording/effects.yaml: baseline_title")
def baseline(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.baseline``: balance at T0, pilot against control, per analysis (None without both groups)."""
    if not has_both_groups(dataset):
        return None
    results = results_for(dataset, scope)
    return _balance_figure(
        "effects.baseline", results, results.baseline, series="analysis",
        series_label=lambda analysis: analysis_label(results, analysis, "analyses_short"), sides=("pilot", "control"),
        title=results.words["baseline_title"].format(t0=scope.first_wave), axis=results.words["baseline_axis"],
        text=_baseline_words(results, scope), counts=dict(zip(("pilot", "control"), results.assigned("primary"))),
        style=style or DEFAULT_STYLE)


@figure("effects.nonresponse", chapter="effects", order=50, columns=dict.fromkeys(NONRESPONSE_COLUMNS), disclosure="nonresponse",
        caption="templates/pdf/wording/effects.yaml: nonresponse_title")
def nonresponse(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.nonresponse``: T0 characteristics of who did and did not answer T2, per group."""
    if not has_both_groups(dataset):
        return None
    results = results_for(dataset, scope)
    table = results.nonresponse
    female = table[table["characteristic"] == "female"].set_index("group")
    counts = {g: int(female.loc[g, "n_responded"] + female.loc[g, "n_not_responded"]) for g in female.index}
    return _balance_figure(
        "effects.nonresponse", results, table, series="group",
        series_label=lambda group: results.words["groups"][group], sides=("responded", "not_responded"),
        title=results.words["nonresponse_title"].format(t0=scope.first_wave, t2=scope.last_wave),
        axis=results.words["nonresponse_axis"], text=nonresponse_text(results), counts=counts,
        style=style or DEFAULT_STYLE)
