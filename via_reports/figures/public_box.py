"""The public edition of a box plot: no single person's value, and nothing that rests on fewer than k people.

The internal box plot (:func:`via_reports.figures.participants.box_plot_figure`)
shows the minimum, the maximum, the Tukey whisker ends and every outlier:
each of them is the value of one person, so a reader who knows the
longest-working participant learns that they took part, and how long they
worked. A public edition (threshold k) therefore shows, per docs/disclosure.md:

- the quartiles (``q1``, ``median``, ``q3``) and the ``mean`` only from 2k people
  on, so that at least k people lie on each side of the median;
- whiskers at the 10th and 90th percentiles (``p10``, ``p90``), each only when
  at least k people lie beyond it (strictly below ``p10``, above ``p90``);
- no minimum, maximum, Tukey whisker end or outlier at all;
- below k people nothing but "n<k".

Everything shown (CSV, table, chart, alt text, sentence) is made from the
same statistics, so none of them can carry a value the others withhold.
"""

from __future__ import annotations

import dataclasses
import math

import altair as alt
import numpy as np
import pandas as pd

from via_reports.analysis.disclosure import MARKER, is_small
from via_reports.analysis.formatting import format_rounded
from via_reports.figures.charts import configure, plain_values
from via_reports.figures.charts import _style as chart_style_or_default
from via_reports.figures.common import HEADERS, table_percent
from via_reports.figures.figure import Figure

#: The statistics of a public box plot, in the order of its CSV.
PUBLIC_BOX_STATISTICS = ("p10", "q1", "median", "q3", "p90", "mean")

LABELS = {
    "p10": {"nl": "10e percentiel (p10)", "en": "10th percentile (p10)"},
    "q1": {"nl": "eerste kwartiel", "en": "first quartile"},
    "median": {"nl": "mediaan", "en": "median"},
    "q3": {"nl": "derde kwartiel", "en": "third quartile"},
    "p90": {"nl": "90e percentiel (p90)", "en": "90th percentile (p90)"},
    "mean": {"nl": "gemiddelde", "en": "mean"},
}
#: The caption's n part says where the whiskers end.
WHISKERS = {"nl": "snorharen p10–p90", "en": "whiskers p10–p90"}
WHISKERS_NOTE = {
    "nl": "Openbare editie: de snorharen lopen tot het 10e en het 90e percentiel (p10, p90), niet tot de laagste "
          "en hoogste waarde, en uitschieters zijn niet getekend: dat zijn waarden van één persoon. Een snorhaar "
          "staat er alleen als minstens {k} personen erbuiten liggen.",
    "en": "Public edition: the whiskers end at the 10th and the 90th percentile (p10, p90), not at the lowest "
          "and highest value, and outliers are not drawn: those are values of a single person. A whisker is "
          "shown only when at least {k} people lie beyond it.",
}
FEW_NOTE = {
    "nl": "De kwartielen, de mediaan en het gemiddelde worden in de openbare editie pas vanaf {two_k} personen "
          "getoond.",
    "en": "The quartiles, the median and the mean are shown in the public edition from {two_k} people on.",
}
TEXT = {
    "nl": "Van {n} deelnemers is het aantal jaren bekend. De mediaan is {median} jaar, het gemiddelde {mean} jaar; "
          "de middelste helft ligt tussen {q1} en {q3} jaar.",
    "en": "The number of years is known for {n} participants. The median is {median} years, the mean {mean} years; "
          "the middle half lies between {q1} and {q3} years.",
}
FEW_TEXT = {
    "nl": "Van {n} deelnemers is het aantal jaren bekend; hoe die verdeeld zijn, toont de openbare editie pas "
          "vanaf {two_k} personen.",
    "en": "The number of years is known for {n} participants; the public edition shows how they are spread "
          "from {two_k} people on.",
}


def public_box_statistics(values: pd.Series, k: int) -> dict[str, float | None]:
    """The statistics a public edition shows of ``values`` (None = withheld), by the rule above.

    Percentiles by linear interpolation, as the internal box plot's quartiles
    (numpy's default), so a public and an internal edition agree where both show.
    """
    array = np.asarray(pd.Series(values).dropna(), dtype=float)
    shown: dict[str, float | None] = dict.fromkeys(PUBLIC_BOX_STATISTICS)
    if array.size < 2 * k:
        return shown
    p10, q1, median, q3, p90 = (float(q) for q in np.percentile(array, [10, 25, 50, 75, 90]))
    shown.update(q1=q1, median=median, q3=q3, mean=float(array.mean()))
    if int((array < p10).sum()) >= k:
        shown["p10"] = p10
    if int((array > p90).sum()) >= k:
        shown["p90"] = p90
    return shown


def public_box_plot(figure: Figure, statistics: dict[str, float | None], k: int, style=None) -> Figure:
    """``figure`` (an internal box plot) as a public edition with threshold ``k`` shows it.

    ``statistics``: what :func:`public_box_statistics` lets through; the
    internal figure gives only its id, title, n, language and the head of its alt text.
    """
    language, n = figure.language, int(figure.n)
    n_withheld = is_small(n, k)
    withheld = [statistics.get(name) is None for name in PUBLIC_BOX_STATISTICS]
    data = pd.DataFrame({
        "statistic": list(PUBLIC_BOX_STATISTICS),
        "value": pd.array([statistics.get(name) for name in PUBLIC_BOX_STATISTICS], dtype="float64"),
        "n": pd.array([pd.NA if n_withheld else n] * len(PUBLIC_BOX_STATISTICS), dtype="Int64"),
        "suppressed": withheld,
    })
    table = pd.DataFrame({
        HEADERS["statistic"][language]: [LABELS[name][language] for name in PUBLIC_BOX_STATISTICS],
        HEADERS["value"][language]: [MARKER if hidden else table_percent(value, language)
                                     for hidden, value in zip(withheld, data["value"])],
        HEADERS["n"][language]: [MARKER if n_withheld else n] * len(PUBLIC_BOX_STATISTICS),
    })
    notes = [WHISKERS_NOTE[language].format(k=k)]
    if any(withheld):
        from via_reports.figures.public import WITHHELD_FIGURE, WITHHELD_NOTE

        notes.append(WITHHELD_NOTE[language].format(marker=MARKER, k=k))
        if n_withheld:
            notes.append(WITHHELD_FIGURE[language].format(k=k))
        elif n > 0 and statistics.get("median") is None:
            notes.append(FEW_NOTE[language].format(two_k=2 * k))
    text = _sentences(statistics, n, k, language, n_withheld)
    parts = [f"{LABELS[name][language]} {MARKER if value is None else format_rounded(value, language)}"
             for name, value in ((name, statistics.get(name)) for name in PUBLIC_BOX_STATISTICS)]
    head = figure.alt_text.split(". ", 1)[0]  # "Boxplot": the box plot's alt text starts with its kind
    alt_text = f"{head}. " + "; ".join(parts) + "."
    value_title = {"nl": "Jaren", "en": "Years"}[language]
    chart = public_box_chart(statistics, value_title=value_title, mean_label=LABELS["mean"][language], style=style)
    n_label = f"n<{k}" if n_withheld else f"n={n}; {WHISKERS[language]}"
    return dataclasses.replace(figure, data=data, table=table, chart=chart, text=text, notes=notes,
                               alt_text=alt_text, n=0 if n_withheld else n, n_label=n_label, min_cell=k,
                               n_withheld=n_withheld)


def statistics_of_internal(figure: Figure, k: int) -> dict[str, float | None]:
    """What a public edition can show of an internal box plot's own statistics: never a whisker.

    For a figure that arrives without its values (a notebook's figure made
    public afterwards): the quartiles and the mean from 2k people on; the
    whiskers need the values themselves, so they are withheld.
    """
    values = dict(zip(figure.data["statistic"], figure.data["value"]))
    shown: dict[str, float | None] = dict.fromkeys(PUBLIC_BOX_STATISTICS)
    if int(figure.n) >= 2 * k:
        for name in ("q1", "median", "q3", "mean"):
            value = values.get(name)
            shown[name] = None if value is None or math.isnan(value) else float(value)
    return shown


def _sentences(statistics: dict[str, float | None], n: int, k: int, language: str, n_withheld: bool) -> list[str]:
    if n_withheld or n == 0:
        from via_reports.figures.public import WITHHELD_TEXT

        return [WITHHELD_TEXT[language]] if n_withheld else []
    if statistics.get("median") is None:
        return [FEW_TEXT[language].format(n=n, two_k=2 * k)]
    shown = {name: format_rounded(statistics[name], language) for name in ("median", "mean", "q1", "q3")}
    return [TEXT[language].format(n=n, **shown)]


def public_box_chart(statistics: dict[str, float | None], *, value_title: str, mean_label: str, style=None):
    """A horizontal box plot of the public statistics: whiskers p10–q1 and q3–p90, box q1–q3, the mean.

    A withheld statistic is None in the chart's data; each layer is drawn
    only when its own values are all there, so no layer needs a value the
    public edition withholds.
    """
    s = chart_style_or_default(style)
    summary = pd.DataFrame([{name: statistics.get(name) for name in PUBLIC_BOX_STATISTICS}])
    base = alt.Chart(plain_values(summary))
    x_scale = alt.Scale(zero=True, nice=True)
    layers = []
    if statistics.get("p10") is not None and statistics.get("q1") is not None:
        layers.append(base.mark_rule(color=s.text_color).encode(x="p10:Q", x2="q1:Q"))
    if statistics.get("p90") is not None and statistics.get("q3") is not None:
        layers.append(base.mark_rule(color=s.text_color).encode(x="q3:Q", x2="p90:Q"))
    layers.append(base.mark_bar(size=28, color=s.bar_color, opacity=0.85).encode(
        x=alt.X("q1:Q", title=value_title, scale=x_scale), x2="q3:Q"))
    layers.append(base.mark_tick(color="white", size=28, thickness=2).encode(x="median:Q"))
    points = pd.DataFrame([{"marker": mean_label, "value": statistics.get("mean")}])
    layers.append(alt.Chart(plain_values(points)).mark_point(size=60, filled=True, shape="diamond").encode(
        x="value:Q",
        color=alt.Color("marker:N", title=None, scale=alt.Scale(domain=[mean_label], range=[s.palette[1]]))))
    chart = alt.layer(*layers).properties(width=s.width, height=s.height)
    return configure(chart, s)

