"""Change between waves in words, and figure ``change.by_wave`` (REPORTS.md, "Change within persons").

Every sentence that says a number rose or fell is made here from one row of
:func:`~via_reports.analysis.change.change_table`, so it names its paired
test, its p-value and its Holm-adjusted p over the chapter's change tests;
without an adjusted p < alpha it says there was no clear change, with both
values and p (statistics v3: never "about the same"). A change against the
participants with p < 0.10 is named as a possible adverse development.
Wording comes from ``templates/pdf/wording/change.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from via_reports.analysis.change import CHANGE_COLUMNS, SCALE_MEASURES, change_table, direction, is_adverse_change, wave_pairs
from via_reports.analysis.formatting import (
    capitalize_first,
    format_number,
    join_words,
    p_value_number,
    p_value_text,
    percent_value,
)
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure, plain_values
from via_reports.figures.declaration import figure
from via_reports.figures.figure import Figure
from via_reports.figures.wording import barrier_words, number, plural, signed, wording


def measure_words(measure: str, language: str) -> dict[str, str]:
    """``with``/``noun`` (yes/no measures) or ``topic``/``noun`` (ease scales) of a measure."""
    words = wording("change", language)["measures"]
    return dict(words[measure]) if measure in words else barrier_words(words["barrier"], measure, language)


def change_sentence(row: pd.Series, language: str, alpha: float) -> str:
    """The sentence of one paired test: rose, fell or no clear change, with the test, p and Holm's p."""
    words = wording("change", language)
    way = direction(row, alpha)
    measure = measure_words(row["measure"], language)
    common = {"from": row["wave_from"], "to": row["wave_to"], "n": int(row["n"]),
              "p": p_value_text(row["p_value"], language, alpha), "holm": holm_text(row, language, alpha)}
    if row["test"] == "wilcoxon":
        sentence = words["scale"][way].format(topic=measure["topic"], mean_to=number(row["value_to"], language, 2),
                                              mean_from=number(row["value_from"], language, 2), **common)
    else:
        sentence = words["binary"][way].format(**{"with": measure["with"]}, count_from=int(row["value_from"]),
                                               count_to=int(row["value_to"]), **common)
    return f"{sentence} {adverse_text(row, language, alpha)}".strip()


def holm_text(row: pd.Series, language: str, alpha: float) -> str:
    """'gecorrigeerd voor het aantal toetsen p = 0,210' ('' for a row made before statistics v3)."""
    if "p_holm" not in row:
        return ""
    return wording("change", language)["holm"].format(p_holm=p_value_text(row["p_holm"], language, alpha))


def adverse_text(row: pd.Series, language: str, alpha: float) -> str:
    """The possible adverse development (a change against participants, p < 0.10, not a clear change)."""
    from via_reports.figures.effects_checks import ADVERSE_P

    p = row["p_value"]
    if direction(row, alpha) != "same" or pd.isna(p) or not p < ADVERSE_P or not is_adverse_change(row):
        return ""
    return wording("change", language)["adverse"].format(p=p_value_text(p, language, alpha))


def changes_text(table: pd.DataFrame, measures: Sequence[str], kind: str, scope: Scope,
                 always: Sequence[str] = ()) -> list[str]:
    """Per pair of consecutive waves: a sentence for each measure that changed (and for each of ``always``);
    the measures that did not change in one sentence."""
    language, words = scope.language, wording("change", scope.language)
    sentences = []
    consecutive = list(zip(scope.waves, scope.waves[1:]))
    for wave_from, wave_to in consecutive:
        rows = table[(table["wave_from"] == wave_from) & (table["wave_to"] == wave_to)].set_index("measure")
        same = []
        for measure in [*always, *[m for m in measures if m not in always]]:
            if measure not in rows.index:  # left out by the caller (a test without pairs)
                continue
            row = rows.loc[measure].copy()
            row["measure"] = measure
            if measure in always or direction(row, scope.alpha) != "same" or adverse_text(row, language,
                                                                                            scope.alpha):
                sentences.append(change_sentence(row, language, scope.alpha))
            else:
                same.append(row)
        if same:
            items = join_words([words["rest_item"].format(
                noun=measure_words(r["measure"], language)["noun"], count_from=int(r["value_from"]),
                count_to=int(r["value_to"]), n=int(r["n"]), p=p_value_text(r["p_value"], language, scope.alpha))
                for r in same], language)
            sentences.append(plural(words["rest_same"], len(same)).format(
                items=items, kind=words["kind"][kind], alpha=format_number(scope.alpha, language, 2),
                **{"from": wave_from, "to": wave_to}))
    return sentences


def scale_text(table: pd.DataFrame, measure: str, scope: Scope) -> list[str]:
    """The Wilcoxon sentence of an ease scale for each pair of consecutive waves."""
    sentences = []
    for wave_from, wave_to in zip(scope.waves, scope.waves[1:]):
        row = table[(table["measure"] == measure) & (table["wave_from"] == wave_from)
                    & (table["wave_to"] == wave_to)].iloc[0]
        sentences.append(change_sentence(row, scope.language, scope.alpha))
    return sentences


# ---------------------------------------------------------------------------
# The figure


def _label(measure: str, language: str) -> str:
    words = wording("change", language)
    noun = capitalize_first(measure_words(measure, language)["noun"])
    return words["scale_label"].format(noun=noun) if measure in SCALE_MEASURES else noun


def _value(row: pd.Series, side: str, language: str) -> str:
    value = row[f"value_{side}"]
    if row["test"] == "wilcoxon":
        return number(value, language, 2)
    return f"{int(value)} ({format_number(percent_value(int(value), int(row['n'])), language, 1)}%)" \
        if row["n"] else str(int(value))


@figure("change.by_wave", chapter="statistical_tests", order=2, columns=dict.fromkeys(CHANGE_COLUMNS), disclosure="change",
        caption="templates/pdf/wording/change.yaml: title")
def by_wave(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``change.by_wave``: every paired test behind a sentence about change (None with one wave)."""
    if len(scope.waves) < 2:
        return None
    style = style or DEFAULT_STYLE
    language, words = scope.language, wording("change", scope.language)
    head = words["table"]
    table = change_table(dataset, scope)
    legend = [words["legend"]["changed"], words["legend"]["same"]]
    pairs = [f"{a} → {b}" for a, b in wave_pairs(scope)]
    frame = pd.DataFrame({
        "measure": [_label(m, language) for m in table["measure"]],
        "pair": [f"{a} → {b}" for a, b in zip(table["wave_from"], table["wave_to"])],
        "scale": table["test"] == "wilcoxon",
        "change": [(r["value_to"] - r["value_from"]) * (1 if r["test"] == "wilcoxon" else 100 / r["n"])
                   if r["n"] else None for _, r in table.iterrows()],
        "verdict": [legend[0] if direction(r, scope.alpha) != "same" else legend[1] for _, r in table.iterrows()],
    })
    measures = list(dict.fromkeys(frame["measure"]))
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=style.text_color).encode(x="x:Q")
    panels = []
    # one plot width for both panels: one above the other, they share the left edge of the widest labels
    width = style.plot_width_beside(measures)
    for scale, title in ((False, words["axis"]["binary"]), (True, words["axis"]["scale"])):
        # a test without pairs (no one answered both waves) has no change to draw; Altair would write NaN,
        # which is no JSON
        part = frame[(frame["scale"] == scale) & frame["change"].notna()]
        points = alt.Chart(plain_values(part)).mark_point(filled=True, size=55, opacity=1).encode(
            y=alt.Y("measure:N", sort=[m for m in measures if m in set(part["measure"])], title=None),
            yOffset=alt.YOffset("pair:N", sort=pairs),
            x=alt.X("change:Q", title=title, scale=alt.Scale(zero=True, nice=True)),
            shape=alt.Shape("pair:N", sort=pairs, title=None),
            color=alt.Color("verdict:N", sort=legend, title=None,
                            scale=alt.Scale(domain=legend, range=[style.palette[0], style.missing_color])),
            tooltip=["measure:N", "pair:N", alt.Tooltip("change:Q", format=".1f"), "verdict:N"],
        )
        height = max(40, style.bar_height * len(set(part["measure"])) * 2)
        panels.append(alt.layer(zero, points).properties(width=width, height=height))
    chart = alt.vconcat(*panels).resolve_scale(x="independent")
    items = [f"{r['measure']} {r['pair']}: {signed(r['change'], language, 1)} ({r['verdict']})"
             for _, r in frame.iterrows() if pd.notna(r["change"])]
    display = pd.DataFrame([{
        head["measure"]: _label(r["measure"], language), head["waves"]: f"{r['wave_from']} → {r['wave_to']}",
        head["n"]: int(r["n"]), head["value_from"]: _value(r, "from", language),
        head["value_to"]: _value(r, "to", language), head["test"]: words["tests"][r["test"]],
        head["p"]: p_value_number(r["p_value"], language, scope.alpha),
        head["p_holm"]: p_value_number(r["p_holm"], language, scope.alpha),
    } for _, r in table.iterrows()])
    return Figure(
        id="change.by_wave",
        title=words["title"],
        n=int(table.loc[table["test"] == "mcnemar", "n"].max()) if len(table) else 0,
        data=table,
        chart=configure(chart, style),
        alt_text=words["alt"].format(items="; ".join(items)),
        language=language,
        table=display,
    )
