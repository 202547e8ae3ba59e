"""Box plots (participants.years_*) as summaries at any scale: outliers by distinct value, with a count.

The values are handed to the figure directly (``pilot`` replaced), so that
twenty hand-made values, or a hundred thousand, need no dataset around them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from via_reports.analysis.scope import Scope
from via_reports.figures import charts, participants
from via_reports.figures.public import public_figure

INTERIM = Scope(waves=("T0", "T1"))

#: 1..16, one 50 and three 100s (n = 20). Sorted positions 19·p: q1 at 4.75 → 5 + 0.75 = 5.75,
#: median at 9.5 → 10.5, q3 at 14.25 → 15.25; IQR 9.5, upper fence 15.25 + 14.25 = 29.5:
#: 50 and the three 100s are outliers, 16 is the upper whisker. Mean (136 + 50 + 300) / 20 = 24.3.
TWENTY = [*range(1, 17), 50, 100, 100, 100]


def box_plot(monkeypatch, values, language="nl"):
    people = pd.DataFrame({"years_paid_work_nl": pd.Series(values, dtype="float64")})
    monkeypatch.setattr(participants, "pilot", lambda dataset: people)
    scope = Scope(waves=("T0", "T1"), language=language)
    return participants.years_paid_work(None, scope)


def chart_rows(figure) -> int:
    """The rows of data the chart embeds (to_dict raises altair's MaxRowsError beyond 5,000)."""
    return sum(len(rows) for rows in figure.chart.to_dict()["datasets"].values())


def test_outliers_sharing_a_value_are_one_row_with_their_count(monkeypatch, tmp_path):
    figure = box_plot(monkeypatch, TWENTY)
    assert figure.n == 20
    stats = dict(zip(figure.data["statistic"][:8], figure.data["value"][:8]))
    assert stats == {"min": 1.0, "q1": 5.75, "median": 10.5, "q3": 15.25, "max": 100.0, "mean": 24.3,
                     "whisker_low": 1.0, "whisker_high": 16.0}
    lines = figure.write_csv(tmp_path).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "statistic,value,count,n"
    assert lines[1] == "min,1.0,,20"  # a statistic counts nobody
    assert lines[9:] == ["outlier,50.0,1,20", "outlier,100.0,3,20"]
    # the text counts people, the chart draws each distinct value once
    assert "Bij 4 deelnemers wijkt het aantal jaren sterk af" in figure.text[1]
    outlier_points = [row["value"] for rows in figure.chart.to_dict()["datasets"].values() for row in rows
                      if row.get("marker") == "uitschieter"]
    assert outlier_points == [50.0, 100.0]
    assert "uitschieter 100 (3 deelnemers)" in figure.alt_text and "uitschieter 50;" not in figure.alt_text
    counts = figure.display_table["Aantal"]
    assert counts.isna().sum() == 8 and counts.dropna().tolist() == [1, 3]  # a statistic's count shows as "–"


def test_without_outliers_the_table_has_no_count_column_but_the_csv_keeps_it(monkeypatch):
    figure = box_plot(monkeypatch, range(1, 17))  # 1..16: no value beyond the fences
    assert "outlier" not in set(figure.data["statistic"])
    assert list(figure.data.columns) == ["statistic", "value", "count", "n"]
    assert "Aantal" not in figure.display_table and len(figure.text) == 1


def test_the_public_edition_leaves_the_outliers_and_their_count_out(monkeypatch):
    shown = public_figure(box_plot(monkeypatch, TWENTY), 5)
    assert list(shown.data.columns) == ["statistic", "value", "n", "suppressed"]
    assert "outlier" not in set(shown.data["statistic"]) and "Aantal" not in shown.display_table
    values = [row.get("value") for rows in shown.chart.to_dict()["datasets"].values() for row in rows]
    assert 50.0 not in values and 100.0 not in values


def test_more_than_5000_outliers_still_chart(monkeypatch):
    # 2,000 people at each of 1..10 years, 6,000 at 100: q1 4, q3 10, fence 19 → 6,000 outliers, one value
    values = [*np.tile(np.arange(1, 11), 2000), *[100] * 6000]
    figure = box_plot(monkeypatch, values)
    outliers = figure.data[figure.data["statistic"] == "outlier"]
    assert outliers[["value", "count"]].values.tolist() == [[100.0, 6000]]
    assert chart_rows(figure) == 1 + 1 + 1  # the box's summary, the mean, one outlier point
    assert "Bij 6000 deelnemers" in figure.text[1]


def test_many_distinct_outliers_chart_at_most_the_point_limit(monkeypatch):
    # the same 20,000 people and 6,000 distinct values from 100 to 159.99: all of them outliers
    values = [*np.tile(np.arange(1, 11), 2000), *(100 + np.arange(6000) / 100)]
    figure = box_plot(monkeypatch, values)
    assert (figure.data["statistic"] == "outlier").sum() == 6000  # the CSV keeps the exact values
    points = charts.outlier_points(figure.data.loc[figure.data["statistic"] == "outlier", "value"])
    assert len(points) == charts.MAX_OUTLIER_POINTS and points[0] == 100.0
    assert points[-1] == pytest.approx(159.99)
    assert chart_rows(figure) == 2 + charts.MAX_OUTLIER_POINTS


def test_outlier_points_below_the_limit_are_the_distinct_values():
    assert charts.outlier_points([3.0, 1.0, 3.0, 2.5]) == [1.0, 2.5, 3.0]
    assert charts.outlier_points([]) == []
