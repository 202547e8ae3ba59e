"""A box plot of years, as the participants chapter draws it: statistics, outliers, chart and words.

The figures ``participants.years_paid_work`` and ``participants.years_since_work``
are the same figure of two columns, built here; :mod:`via_reports.figures.participants`
names them. A public edition shows no single person's value: the box plot is
then :mod:`via_reports.figures.public_box`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from via_reports.analysis.formatting import format_rounded
from via_reports.analysis.scope import Scope
from via_reports.figures import charts
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import EMPTY_POPULATION, PARTICIPANTS, describe, dict_labeller, display_table
from via_reports.figures.declaration import COUNTS
from via_reports.figures.figure import Figure
from via_reports.figures.public_box import LABELS as SHARED_LABELS
from via_reports.figures.public_box import public_box_plot, public_box_statistics

#: The CSV columns of a box plot figure with their appendix headers (its declaration's ``columns``).
BOX_COLUMNS = {"statistic": {"nl": "Statistiek", "en": "Statistic"}, "value": {"nl": "Waarde", "en": "Value"},
               "count": COUNTS["count"], "n": COUNTS["n"]}

BOX_STATISTICS = ("min", "q1", "median", "q3", "max", "mean", "whisker_low", "whisker_high")

STATISTIC_LABELS = {
    "min": {"nl": "laagste waarde", "en": "lowest value"},
    **{statistic: SHARED_LABELS[statistic] for statistic in ("q1", "median", "q3")},  # the public box plot's words
    "max": {"nl": "hoogste waarde", "en": "highest value"},
    "mean": SHARED_LABELS["mean"],
    "whisker_low": {"nl": "laagste waarde zonder uitschieters", "en": "lowest value without outliers"},
    "whisker_high": {"nl": "hoogste waarde zonder uitschieters", "en": "highest value without outliers"},
    "outlier": {"nl": "uitschieter", "en": "outlier"},
}


def box_statistics(values: pd.Series) -> tuple[dict[str, float], pd.Series]:
    """min, q1, median, q3, max, mean, the whisker ends, and the Tukey outliers (beyond 1.5 × IQR).

    Quartiles by linear interpolation (numpy's default). ``min`` and ``max``
    are the true extremes; ``whisker_low`` and ``whisker_high`` the most
    extreme values that are not outliers (REPORTS.md, box plot statistics).
    The outliers come as the number of people per distinct value, ascending,
    so that a figure stays a summary however many people it describes.
    """
    array = np.asarray(values.dropna(), dtype=float)
    if array.size == 0:
        return {name: float("nan") for name in BOX_STATISTICS}, pd.Series(dtype="int64")
    q1, median, q3 = (float(q) for q in np.percentile(array, [25, 50, 75]))
    iqr = q3 - q1
    low_fence, high_fence = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    inside = array[(array >= low_fence) & (array <= high_fence)]
    outliers = pd.Series(array[(array < low_fence) | (array > high_fence)]).value_counts().sort_index()
    statistics = {"min": float(array.min()), "q1": q1, "median": median, "q3": q3, "max": float(array.max()),
                  "mean": float(array.mean()), "whisker_low": float(inside.min()),
                  "whisker_high": float(inside.max())}
    return statistics, outliers.astype("int64")


def box_plot_figure(
    values: pd.Series, scope: Scope, figure_id: str, titles: dict[str, str], style: ChartStyle | None = None
) -> Figure:
    """A box plot of ``values`` (one per person; a missing one is left out), titled ``titles[language]``;
    its data: one row per statistic, one per distinct outlier value with its ``count``."""
    language = scope.language
    values = values.dropna()
    n = len(values)
    statistics, outliers = box_statistics(values)
    rows = [{"statistic": name, "value": statistics[name], "count": pd.NA} for name in BOX_STATISTICS]
    rows += [{"statistic": "outlier", "value": value, "count": count} for value, count in outliers.items()]
    data = pd.DataFrame(rows, columns=["statistic", "value", "count"]).assign(n=n)
    data = data.astype({"value": "float64", "count": "Int64", "n": "int64"})

    statistic_label = dict_labeller(STATISTIC_LABELS, language)
    chart = charts.box_plot_chart(
        statistics,
        list(outliers.index),
        value_title={"nl": "Jaren", "en": "Years"}[language],
        labels={"mean": statistic_label("mean"), "outlier": statistic_label("outlier")},
        style=style,
    )
    parts = [
        f"{statistic_label(r.statistic)} {format_rounded(r.value, language)}"
        + (f" ({r.count} {PARTICIPANTS[language]})" if not pd.isna(r.count) and r.count > 1 else "")
        for r in data.itertuples()
        if not pd.isna(r.value)
    ]
    alt_text = describe("box", language, [", ".join(parts) or EMPTY_POPULATION[language].rstrip(".")])
    figure = Figure(
        id=figure_id,
        title=titles[language],
        n=n,
        data=data,
        chart=chart,
        alt_text=alt_text,
        language=language,
        text=box_plot_text(statistics, int(outliers.sum()), n, language),
        # the count column only where there are outliers (a statistic's count shows as "–")
        table=display_table(data if len(outliers) else data.drop(columns="count"), language,
                            {"statistic": statistic_label}),
    )
    if scope.public:  # no single person's value, nothing of fewer than k people (figures/public_box.py)
        return public_box_plot(figure, public_box_statistics(values, scope.min_cell), scope.min_cell, style)
    return figure


def box_plot_text(statistics: dict[str, float], outliers: int, n: int, language: str) -> list[str]:
    """The box plot in words; ``outliers``: how many people are outliers."""
    if n == 0:
        return [EMPTY_POPULATION[language]]
    median, mean, q1, q3 = (format_rounded(statistics[k], language) for k in ("median", "mean", "q1", "q3"))
    one = outliers == 1
    if language == "nl":
        text = [
            (
                f"Van {n} deelnemers is het aantal jaren bekend. De mediaan is {median} jaar, het gemiddelde "
                f"{mean} jaar; de middelste helft ligt tussen {q1} en {q3} jaar."
            )
        ]
        who = "deelnemer" if one else "deelnemers"
        outlier_text = f"Bij {outliers} {who} wijkt het aantal jaren sterk af van de rest (uitschieters)."
    else:
        text = [
            (
                f"The number of years is known for {n} participants. The median is {median} years, the mean "
                f"{mean} years; the middle half lies between {q1} and {q3} years."
            )
        ]
        who = "participant" if one else "participants"
        outlier_text = f"For {outliers} {who}, the number of years differs strongly from the rest (outliers)."
    return text + ([outlier_text] if outliers else [])
