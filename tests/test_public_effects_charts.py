"""The public edition draws ``effects.flow`` and ``effects.means`` from the rows it publishes.

REPORTS.md, statistics v3: "Disclosure control withholds the cells and rows
that need it, never a whole chapter's conclusions". Before, both charts were
emptied as a whole in a public edition (every box and point blank) as soon as
one count was withheld. Now each published cell is drawn with its value and a
withheld one is shown as withheld (the marker in its box; no point for a
withheld mean, the marker in its panel's title), and nothing the public CSV
withholds reaches the chart.

What is withheld is worked out here from the internal counts (a count, or the
rest of its group, of 1 to k−1 people; a yes/no share that is such a count),
not with the code under test.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from via_reports import load_dataset
from via_reports.analysis.disclosure import MARKER
from via_reports.analysis.scope import Scope
from via_reports.figures.effects_flow import flow, means
from via_reports.figures.public import public_figure
from via_reports.figures.wording import wording

K = 10
BINARY = {"any_participation", "paid_work", "volunteer_work", "ease_society_difficult", "ease_paid_work_difficult",
          "enough_social_contacts", "discrimination_experienced"}


def small(count: int) -> bool:
    return 0 < count < K


def chart_rows(figure) -> list[dict]:
    return [row for rows in figure.chart.to_dict().get("datasets", {}).values() for row in rows]


@pytest.fixture(scope="module", params=["nl", "en"])
def demo(request):
    language = request.param
    dataset = load_dataset(None, language)
    public = Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final", min_cell=K)
    internal = Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final")
    return language, dataset, public, internal


def test_the_public_flow_chart_draws_every_published_count_and_marks_the_withheld(demo):
    language, dataset, public, internal = demo
    data = flow(dataset, internal).data  # the internal counts
    assigned = {(r["analysis"], r["group"]): int(r["count"]) for _, r in data.iterrows() if r["stage"] == "assigned"}
    expected_withheld = [small(int(r["count"])) or small(assigned[r["analysis"], r["group"]] - int(r["count"]))
                         for _, r in data.iterrows()]
    assert 0 < sum(expected_withheld) < len(data)  # the demo at k = 10 withholds some counts, not all

    figure = public_figure(flow(dataset, public), K)
    assert list(figure.data["suppressed"]) == expected_withheld  # the public CSV withholds exactly those
    rows = chart_rows(figure)
    assert len(rows) == len(data)
    words = wording("effects_v3", language)["figures"]["stages"]
    stages = {words[s].format(t0="T0", t2="T2"): s for s in words}
    groups = {v: k for k, v in wording("effects", language)["groups"].items()}
    drawn = {}
    for row in rows:
        drawn.setdefault((groups[row["group"]], stages[row["stage"]]), []).append(row)
    for (_, r), withheld in zip(data.iterrows(), expected_withheld):
        candidates = drawn[r["group"], r["stage"]]
        labels = [c["label"] for c in candidates]
        if withheld:
            assert MARKER in labels
        else:
            assert str(int(r["count"])) in labels  # a published count is drawn in its box
    # no number in the chart is a count of 1 to k−1 or a withheld count
    hidden = {int(c) for c, w in zip(data["count"], expected_withheld) if w}
    published = {int(c) for c, w in zip(data["count"], expected_withheld) if not w}
    for row in rows:
        for value in (row["count"], row["label"]):
            if value is None or value == MARKER:
                continue
            number = int(float(value))
            assert not small(number) and number not in hidden - published, row
    assert sum(row["label"] == MARKER for row in rows) == sum(expected_withheld)
    assert all(row["count"] is None for row in rows if row["label"] == MARKER)


@pytest.mark.slow
def test_the_public_flow_svg_shows_the_published_counts_and_no_small_one(demo):
    """The drawn chart (SVG, in the theme's fonts), not only its spec: the boxes' numbers are the published
    counts, each withheld box holds the marker, and no whole number of 1 to k−1 is printed."""
    from via_reports.theme.svg import render_svg
    from via_reports.theme.themes import chart_style, load_theme

    language, dataset, public, internal = demo
    theme = load_theme("default")
    figure = public_figure(flow(dataset, public, chart_style(theme)), K)
    svg = render_svg(figure.chart, theme, language=language)
    texts = [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]
    numbers = sorted(int(t) for t in texts if t.isdigit())
    shown = figure.data[~figure.data["suppressed"]]
    assert numbers == sorted(int(c) for c in shown["count"])
    assert texts.count(MARKER) == int(figure.data["suppressed"].sum()) > 0
    assert not any(small(n) for n in numbers)


def test_the_public_means_chart_draws_every_published_mean_and_no_withheld_one(demo):
    language, dataset, public, internal = demo
    data = means(dataset, internal).data
    expected_withheld = []
    for _, r in data.iterrows():
        n = int(r["n"])
        withheld = n < K
        if not withheld and r["outcome"] in BINARY:
            count = round(float(r["mean"]) * n)
            withheld = small(count) or small(n - count)
        expected_withheld.append(withheld)
    figure = public_figure(means(dataset, public), K)
    assert list(figure.data["suppressed"]) == expected_withheld

    labels = wording("effects", language)["outcomes"]
    groups = wording("effects", language)["groups"]
    primary = data[data["analysis"] == "primary"]
    flags = pd.Series(expected_withheld, index=data.index)[primary.index]
    assert 0 < flags.sum() < len(primary)
    marked = set(primary.loc[flags, "outcome"])
    drawn = {(row["outcome"], row["group"], row["wave"]): row for row in chart_rows(figure)}
    assert len(drawn) == len(primary)
    for (_, r), withheld in zip(primary.iterrows(), flags):
        title = labels[r["outcome"]] + (f" ({MARKER})" if r["outcome"] in marked else "")
        row = drawn[title, groups[r["group"]], r["wave"]]
        if withheld:
            assert row["value"] is None  # no point
        else:
            binary = r["outcome"] in BINARY
            expected = round(float(r["mean"]) * int(r["n"])) / int(r["n"]) * 100 if binary else float(r["mean"])
            assert row["value"] == pytest.approx(expected, abs=0.05 if binary else 1e-9)
            assert row["n"] == int(r["n"])
    # a withheld share is no value of the chart (as a percentage or as the mean itself)
    hidden = {round(float(m), 6) for m, w in zip(data["mean"], expected_withheld) if w}
    hidden |= {round(float(m) * 100, 1) for m, w in zip(data["mean"], expected_withheld) if w}
    values = {round(float(row["value"]), 6) for row in chart_rows(figure) if row["value"] is not None}
    values |= {round(float(row["value"]), 1) for row in chart_rows(figure) if row["value"] is not None}
    published = {round(float(m), 6) for m, w in zip(data["mean"], expected_withheld) if not w}
    published |= {round(float(m) * 100, 1) for m, w in zip(data["mean"], expected_withheld) if not w}
    assert not (values & (hidden - published))


def test_a_chart_not_drawn_for_the_public_rows_is_still_emptied(demo):
    """public_figure keeps only a chart that says it was drawn from the public rows for the same k: the
    internal chart (or one drawn for another k) handed to it is emptied as before, never published."""
    language, dataset, public, internal = demo
    for build in (flow, means):
        for scope in (internal, Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final",
                                      min_cell=K + 1)):
            figure = public_figure(build(dataset, scope), K)
            numbers = [v for row in chart_rows(figure) for c, v in row.items()
                       if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v]
            assert not numbers, (build.__name__, scope.min_cell)


def test_the_public_chapter_keeps_its_sentences_that_count_outcomes(demo):
    """Found by reading the public PDF (tests/test_stats_v3_pdf.py): the number filter of the public text dropped
    "for 3 of the outcomes it leaves out the sensitivity analysis" and the chapter's verdict "none of the 5
    outcomes", as if 3 and 5 were people. Both count outcomes; the demo at k = 10 withholds the sensitivity rows
    of 3 outcomes and shows 5 of its 9 outcomes."""
    from via_reports.figures.effects import outcomes

    language, dataset, public, internal = demo
    figure = public_figure(outcomes(dataset, public), K)
    rows = figure.data[figure.data["estimator"] == "ancova"]
    hidden = rows[(rows["analysis"] == "sensitivity") & rows["suppressed"]]
    shown = rows[(rows["analysis"] == "primary") & ~rows["suppressed"]]
    assert (len(hidden), len(shown)) == (3, 5)
    v3 = wording("effects_v3", language)
    text = [" ".join(t.split()) for t in figure.text]
    assert " ".join(v3["sensitivity_shown_only"].format(n=3, k=K).split()) in text
    none_found = wording("effects", language)["text"]["none_found"].split("{k}")[0]
    assert any(t.startswith(" ".join(none_found.split())) and " 5 " in t for t in text)
