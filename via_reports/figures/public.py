"""The public edition of a figure: no count from 1 to k−1, and none that can be worked back.

:func:`public_figure` turns a :class:`~via_reports.figures.figure.Figure` of
the internal edition into the one a public edition shows (``--public``,
threshold ``--min-cell k``). Which cells it withholds follows the rule of
:mod:`via_reports.analysis.disclosure`, with the margins a reader of this
figure knows (its declaration's ``disclosure``, :mod:`via_reports.figures.declaration`); everything shown
is then made from the withheld data, so data, CSV, table, chart, alt text
and sentences cannot disagree. The rule and what it does not protect
against are in docs/disclosure.md.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from via_reports.analysis.balance import is_share
from via_reports.analysis.disclosure import MARKER, is_small, suppress
from via_reports.analysis.effects import OUTCOMES, is_binary
from via_reports.figures.common import HEADERS
from via_reports.figures.declaration import CountRule, declaration_of
from via_reports.figures.figure import Figure
from via_reports.figures.public_box import public_box_plot, statistics_of_internal
from via_reports.figures.public_tables import marked_table
from via_reports.figures.withheld import WITHHELD_FIGURE, WITHHELD_NOTE, WITHHELD_TEXT

#: Numeric columns of the count figures that are withheld with a cell.
COUNT_VALUES = ("count", "percent")


def count_rule(figure_id: str) -> CountRule | None:
    """The count rule the figure declares (:mod:`via_reports.figures.declaration`), or None for a special rule."""
    declared = declaration_of(figure_id)
    return declared.disclosure if declared is not None and isinstance(declared.disclosure, CountRule) else None


def disclosure_rule(figure_id: str) -> CountRule | str:
    """The figure's declared disclosure rule; a figure without one cannot have a public edition."""
    declared = declaration_of(figure_id)
    if declared is None or declared.disclosure is None:
        raise KeyError(f"no disclosure rule for figure {figure_id}: declare one with its figure "
                       "(disclosure=..., see via_reports/figures/declaration.py)")
    return declared.disclosure


# --------------------------------------------------------------------------- count figures


def count_margins(data: pd.DataFrame, rule: CountRule) -> tuple[list[int], list[list[int]]]:
    """The cells (the shown counts, then unseen remainders) and the margins of a count figure."""
    cells = [int(c) for c in data["count"]]
    margins: list[list[int]] = []
    if rule.binary:
        for row, (count, n) in enumerate(zip(data["count"], data["n"])):
            cells.append(int(n) - int(count))
            margins.append([row, len(cells) - 1])
        return cells, margins
    positions = pd.Series(range(len(data)), index=data.index)
    # One column by its name, not as a one-element list: pandas 4 changes the keys of the latter's
    # ``groups`` (only their values, the rows, are used here; their order is the same).
    by = rule.by[0] if len(rule.by) == 1 else list(rule.by)
    groups = data.groupby(by, sort=False).groups.values() if rule.by else [data.index]
    for index in groups:
        rows = [int(positions[i]) for i in index]
        margin = list(rows)
        rest = int(data.loc[index, "n"].iloc[0]) - sum(cells[r] for r in rows)
        if rest:
            cells.append(rest)
            margin.append(len(cells) - 1)
        margins.append(margin)
        if len(rule.dims) > 1:
            part = data.loc[index]
            for dim in rule.dims:
                for sub in part.groupby(dim, sort=False).groups.values():
                    margins.append([int(positions[i]) for i in sub])
    return cells, margins


def withheld_counts(data: pd.DataFrame, rule: CountRule, k: int) -> tuple[list[bool], bool]:
    """Per row of ``data``: withheld or not; and whether the whole figure is withheld."""
    cells, margins = count_margins(data, rule)
    result = suppress(cells, margins, k)
    return list(result.withheld[:len(data)]), result.table_withheld


def _public_counts(figure: Figure, k: int) -> tuple[pd.DataFrame, list[bool], bool]:
    rule = count_rule(figure.id)
    withheld, whole = withheld_counts(figure.data, rule, k)
    data = figure.data.copy()
    flags = pd.Series(withheld, index=data.index)
    data["count"] = data["count"].astype("Int64").mask(flags)
    data["percent"] = data["percent"].astype("float64").mask(flags)
    small_n = data["n"].map(lambda n: is_small(n, k))
    data["n"] = data["n"].astype("Int64").mask(small_n)
    data["suppressed"] = withheld
    if rule.derived:
        derived = derived_withheld(data, rule)
        for column in rule.derived:
            data[column] = data[column].astype("float64").mask(derived)
        data["suppressed"] = list(flags | derived)
    return data, withheld, whole


def derived_withheld(data: pd.DataFrame, rule: CountRule) -> pd.Series:
    """Per row: is a statistic computed from its group's cells withheld (a cell of the group is)?"""
    flags = data["suppressed"].astype(bool)
    if not rule.derived_by:
        return pd.Series(bool(flags.any()), index=data.index)
    return flags.groupby([data[c] for c in rule.derived_by], sort=False).transform("any").astype(bool)


def _count_table(figure: Figure, withheld: list[bool], data: pd.DataFrame) -> pd.DataFrame:
    """The appendix table with the marker in every withheld cell (its rows are the data's rows).

    A column is found by its header (``Aantal``, ``Percentage``, ``n``); a
    figure with headers of its own (the effects chapter's) has its table's
    columns in the order of its data, and is read by position.
    """
    table = figure.display_table.copy().reset_index(drop=True)
    language = figure.language
    rule = count_rule(figure.id)
    by_position = dict(zip(figure.data.columns, table.columns)) if len(table.columns) == len(figure.data.columns) \
        else {}
    hidden_values = [data[c].isna() & figure.data[c].notna() for c in rule.derived] if rule else []
    columns = [("count", withheld), ("percent", withheld), ("n", list(data["n"].isna())),
               *zip(rule.derived if rule else (), (list(h) for h in hidden_values))]
    for column, hidden in columns:
        header = HEADERS[column][language] if column in HEADERS else None
        header = header if header in table.columns else by_position.get(column)
        if header is None:
            if any(hidden):
                raise KeyError(f"{figure.id}: no column of its table shows {column}; declare its header with the figure")
            continue
        table[header] = table[header].astype(object)
        table.loc[hidden, header] = MARKER
    return table


# --------------------------------------------------------------------------- figures of means and tests


def _means_withheld(data: pd.DataFrame, sides: tuple[str, str], binary: Callable[[Any], bool], k: int,
                    label: str) -> list[bool]:
    """Rows whose group means (and what is computed from them) a public edition withholds.

    A row is withheld when a group has fewer than k people, or when a mean
    of a yes/no characteristic is the share of fewer than k people (or of all
    but fewer than k): that share times n would give the count.
    """
    def row_withheld(row: pd.Series) -> bool:
        for side in sides:
            n = int(row[f"n_{side}"])
            if n < k:
                return True
            if binary(row[label]):
                for column in [c for c in data.columns if c.startswith(f"{side}_")]:
                    value = row[column]
                    if value is not None and not pd.isna(value):
                        count = round(float(value) * n)
                        if is_small(count, k) or is_small(n - count, k):
                            return True
        return False

    return [row_withheld(row) for _, row in data.iterrows()]


def public_outcomes_data(data: pd.DataFrame, k: int) -> tuple[pd.DataFrame, list[bool]]:
    """effects.outcomes: a row's estimates only when each arm × wave has k people and no share reveals;
    per row, not per outcome (figures/effects_public.py says which rows fall together)."""
    from via_reports.figures.effects_public import outcome_rows_withheld

    own = _means_withheld(data, ("pilot", "control"), lambda o: o in OUTCOMES and is_binary(o), k, "outcome")
    withheld = outcome_rows_withheld(data, own)
    estimates = [c for c in data.columns if c not in ("analysis", "outcome", "estimator", "n_pilot", "n_control")]
    shown = _mask_rows(data, withheld, estimates, ("n_pilot", "n_control"), k)
    if "p_holm" in shown:
        shown.loc[outcomes_holm_borrowed(data, withheld), "p_holm"] = np.nan
    return shown, withheld


def outcomes_holm_borrowed(data: pd.DataFrame, withheld: list[bool]) -> pd.Series:
    """effects.outcomes: the shown rows whose Holm p is a withheld outcome's term (analysis/holm_disclosure.py).

    The Holm family is the secondary outcomes of one analysis and estimator
    (analysis/effects.py ``add_holm``); the primary outcome's row carries its own
    p and is not in it. The table does not say which outcome is primary, so the
    family is the rows whose recomputed adjustment reproduces ``p_holm`` once one
    row with ``p_holm == p_value`` is left out; when no such row makes it so,
    :func:`holm_borrowed` treats every shown p_holm of the group as borrowed.
    """
    from via_reports.analysis.holm_disclosure import holm_borrowed
    from statsmodels.stats.multitest import multipletests

    flags = pd.Series(withheld, index=data.index, dtype=bool)
    borrowed = pd.Series(False, index=data.index)
    if "p_holm" not in data:
        return borrowed
    for _, rows in data.groupby(["analysis", "estimator"], sort=False):
        tested = rows[rows["p_value"].notna() & rows["p_holm"].notna()]
        family = tested
        for candidate in tested.index[(tested["p_holm"] - tested["p_value"]).abs() <= 1e-12]:
            rest = tested.drop(index=candidate)
            if len(rest) and np.allclose(multipletests(rest["p_value"].to_numpy(dtype="float64"), method="holm")[1],
                                         rest["p_holm"].to_numpy(dtype="float64"), rtol=0, atol=1e-9):
                family = rest
                break
        borrowed[family.index] = holm_borrowed(family["p_value"], family["p_holm"], flags[family.index])
    return borrowed


def public_effects_counts(data: pd.DataFrame, k: int) -> tuple[pd.DataFrame, list[bool]]:
    """effects.flow (a count of a group, and the rest of the group) and effects.means (a group of n, and a share
    of a yes/no outcome that is a count): a row is withheld when either is 1 to k−1 people."""
    if "stage" in data:
        assigned = {(r["analysis"], r["group"]): int(r["count"]) for _, r in data.iterrows()
                    if r["stage"] == "assigned"}
        withheld = [is_small(int(r["count"]), k) or is_small(assigned[r["analysis"], r["group"]] - int(r["count"]), k)
                    for _, r in data.iterrows()]
        return _mask_rows(data, withheld, ["count"], ("count",), k), withheld
    withheld = []
    for _, row in data.iterrows():
        n, mean = int(row["n"]), row["mean"]
        small = n < k
        if not small and is_binary(row["outcome"]) and pd.notna(mean):
            count = round(float(mean) * n)
            small = is_small(count, k) or is_small(n - count, k)
        withheld.append(small)
    return _mask_rows(data, withheld, ["mean"], ("n",), k), withheld


def public_balance(data: pd.DataFrame, sides: tuple[str, str], k: int) -> tuple[pd.DataFrame, list[bool]]:
    withheld = _means_withheld(data, sides, is_share, k, "characteristic")
    values = [f"{side}_mean" for side in sides] + ["smd"] + (["p_value"] if "p_value" in data else [])
    return _mask_rows(data, withheld, values, tuple(f"n_{side}" for side in sides), k), withheld


def _public_tests(data: pd.DataFrame, k: int, cells: Callable[[pd.Series], list[int]],
                  values: list[str], counts: tuple[str, ...]) -> tuple[pd.DataFrame, list[bool]]:
    """A table of tests: a row is withheld when one of its ``cells`` holds 1 to k−1 people."""
    withheld = [any(is_small(c, k) for c in cells(row)) for _, row in data.iterrows()]
    return _mask_rows(data, withheld, values, counts, k), withheld


def _without_borrowed_holm(figure: Figure, data: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """A shown test's Holm p that is a withheld test's term is withheld too (analysis/holm_disclosure.py).

    One Holm family per chapter (statistics v3). ``data`` loses the value in place (so ``change()``
    reports the test as not reported); the table gets the marker in its Holm column.
    """
    from via_reports.analysis.holm_disclosure import holm_borrowed
    from via_reports.figures.wording import wording

    if "chapter" not in figure.data.columns or "p_holm" not in figure.data.columns:
        return table
    withheld = data["suppressed"].astype(bool)
    borrowed = pd.Series(False, index=data.index)
    for _, rows in figure.data.groupby("chapter", sort=False):
        borrowed[rows.index] = holm_borrowed(rows["p_value"], rows["p_holm"], withheld[rows.index])
    if not borrowed.any():
        return table
    data.loc[borrowed, "p_holm"] = np.nan
    column = wording("change", figure.language)["table"]["p_holm"]
    table = table.copy()
    if column in table.columns and len(table) == len(data):
        table.loc[borrowed.to_numpy(), column] = MARKER
    return table


def _mask_rows(data: pd.DataFrame, withheld: list[bool], values: list[str], counts: tuple[str, ...],
               k: int) -> pd.DataFrame:
    """``values`` of withheld rows empty, every count column empty where it is 1 to k−1; a ``suppressed`` column."""
    data = data.copy()
    flags = pd.Series(withheld, index=data.index, dtype=bool)
    for column in values:
        data[column] = data[column].astype("float64").mask(flags) if column not in counts else data[column]
    for column in counts:
        small = data[column].map(lambda n: is_small(n, k)) | (flags if column in values else False)
        data[column] = data[column].astype("Int64").mask(small)
    data["suppressed"] = withheld
    return data


def _comparison_cells(row: pd.Series) -> list[int]:
    return [int(row["count_a"]), int(row["n_a"] - row["count_a"]), int(row["count_b"]),
            int(row["n_b"] - row["count_b"])]


def _change_cells(row: pd.Series) -> list[int]:
    n = int(row["n"])
    if row["test"] == "mcnemar":
        return [n, int(row["value_from"]), n - int(row["value_from"]), int(row["value_to"]), n - int(row["value_to"])]
    return [n]


def _attrition_margins(data: pd.DataFrame) -> tuple[list[int], list[list[int]]]:
    """effects.attrition: per group and wave, responded + not responded = started, the exits within not responded."""
    cells = [int(c) for c in data["count"]]
    margins = []
    for _, part in data.groupby(["group", "wave"], sort=False):
        rows = {m: [data.index.get_loc(i) for i in part.index[part["measure"] == m]]
                for m in ("started", "responded", "not_responded", "left")}
        margins.append(rows["responded"] + rows["not_responded"])  # their total: started, the n
        not_responded = rows["not_responded"][0]
        cells.append(max(cells[not_responded] - sum(cells[i] for i in rows["left"]), 0))  # not responded, not left
        margins.append([not_responded, *rows["left"], len(cells) - 1])
    return cells, margins


# --------------------------------------------------------------------------- the figure as a whole


def any_suppressed(rows: pd.DataFrame | pd.Series) -> bool:
    """True when a public figure's row (or any of its rows) is withheld; never for an internal figure's."""
    if "suppressed" not in rows:
        return False
    flags = rows["suppressed"]
    return bool(flags.astype(bool).any()) if isinstance(flags, pd.Series) else bool(flags)


def public_figure(figure: Figure, k: int) -> Figure:
    """``figure`` as the public edition with threshold ``k`` shows it."""
    figure_id = figure.id
    rule = disclosure_rule(figure_id)
    whole = False
    if rule == "box_plot":  # made public by its own function, which has the values
        return figure if figure.min_cell == k else public_box_plot(figure, statistics_of_internal(figure, k), k)
    if rule == "attrition":
        cells, margins = _attrition_margins(figure.data)
        result = suppress(cells, margins, k)
        withheld, whole = list(result.withheld[:len(figure.data)]), result.table_withheld
        data = _mask_rows(figure.data, withheld, ["count", "percent"], ("count", "n"), k)
        table = _generic_table(figure, data, withheld)
    elif isinstance(rule, CountRule):
        data, withheld, whole = _public_counts(figure, k)
        table = _count_table(figure, withheld, data)
    elif rule == "outcomes":
        data, withheld = public_outcomes_data(figure.data, k)
        table = _generic_table(figure, data, withheld)
    elif rule == "effects_counts":
        data, withheld = public_effects_counts(figure.data, k)
        table = _generic_table(figure, data, withheld)
    elif rule == "balance":
        data, withheld = public_balance(figure.data, ("pilot", "control"), k)
        table = _generic_table(figure, data, withheld)
    elif rule == "nonresponse":
        data, withheld = public_balance(figure.data, ("responded", "not_responded"), k)
        table = _generic_table(figure, data, withheld)
    elif rule == "comparisons":
        data, withheld = _public_tests(figure.data, k, _comparison_cells,
                                       ["n_a", "count_a", "n_b", "count_b", "percent_a", "percent_b", "difference",
                                        "ci_low", "ci_high", "p_value", "p_holm"], ("n_a", "count_a", "n_b", "count_b"))
        table = _generic_table(figure, data, withheld)
    elif rule == "change":
        data, withheld = _public_tests(figure.data, k, _change_cells,
                                       ["n", "value_from", "value_to", "p_value", "p_holm"], ("n",))
        table = _without_borrowed_holm(figure, data, _generic_table(figure, data, withheld))
    else:
        raise KeyError(f"figure {figure_id}: its disclosure rule {rule!r} is not one of public_figure's")
    n_withheld = is_small(figure.n, k)
    notes = [note for note in figure.notes if not _reveals(note, figure.n, k)]
    if any(withheld) or n_withheld:
        notes.append(WITHHELD_NOTE[figure.language].format(marker=MARKER, k=k))
    if whole or n_withheld:
        notes.append(WITHHELD_FIGURE[figure.language].format(k=k))
    return _finish(figure, data, table, withheld, notes, k)


def _finish(figure: Figure, data: pd.DataFrame, table: pd.DataFrame, withheld: list[bool], notes: list[str],
            k: int) -> Figure:
    n_withheld = is_small(figure.n, k)
    if figure.id == "effects.outcomes" and not n_withheld:  # statistics v3: per outcome, not the whole text
        from via_reports.figures.effects_public import public_outcomes_text

        text = public_outcomes_text(figure.text, data, figure.language, k, lambda s: _reveals(s, figure.n, k))
    elif figure.id == "effects.baseline" and not n_withheld:  # made from the rows it shows (effects_public.py)
        text = list(figure.text)
    elif any(withheld) or n_withheld:
        text = [WITHHELD_TEXT[figure.language]]
    else:
        text = [sentence for sentence in figure.text if not _reveals(sentence, figure.n, k)]
    # the effects charts draw their public edition from the rows it shows (figures/effects.py, effects_flow.py);
    # the generic emptying below matches rows by code and would empty every value of their labelled charts
    own_chart = figure.id == "effects.outcomes" or _drawn_public(figure.chart) == k
    chart = figure.chart if own_chart and not n_withheld else _public_chart(figure, data)
    return dataclasses.replace(
        figure, data=data, table=table, chart=chart, text=text, notes=notes,
        alt_text=_alt_text(figure, table), n=0 if n_withheld else figure.n,
        n_label=f"n<{k}" if n_withheld else _public_n_label(figure.n_label, k), min_cell=k, n_withheld=n_withheld)


def _drawn_public(chart: Any) -> int | None:
    """The k a chart says it was drawn from the public rows for (``usermeta.public_min_cell``), or None."""
    spec = chart.to_dict() if chart is not None and hasattr(chart, "to_dict") else {}
    return (spec.get("usermeta") or {}).get("public_min_cell")


#: An "n=34" in a caption's own n part ("pilot n=34, controlegroep n=55").
_N_IN_LABEL = re.compile(r"\bn\s?=\s?([0-9]+)\b")


def _public_n_label(n_label: str | None, k: int) -> str | None:
    """The caption's n part with every n of 1 to k−1 as "n<k"."""
    if n_label is None:
        return None
    return _N_IN_LABEL.sub(lambda m: f"n<{k}" if is_small(int(m.group(1)), k) else m.group(0), n_label)


def _generic_table(figure: Figure, data: pd.DataFrame, withheld: list[bool]) -> pd.DataFrame:
    """The figure's own table, with the marker where something is withheld (public_tables.py); the
    public data with the marker only for a table that is not a row per row of the data."""
    if not any(withheld) and data.isna().sum().sum() == figure.data.isna().sum().sum():
        return figure.display_table
    if len(figure.display_table) == len(figure.data):
        return marked_table(figure.display_table, figure.data, data.drop(columns=["suppressed"]), withheld)
    shown = data.drop(columns=["suppressed"]).astype(object)
    return shown.where(shown.notna(), MARKER)


# --------------------------------------------------------------------------- chart, alt text, sentences

#: A whole number standing alone ("3 deelnemers", not "3,5", "T1" or "3.2"); a percentage.
_INTEGER = re.compile(r"(?<![\w.,])(\d+)(?![\w]|[.,]\d)")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s?%")


def _reveals(sentence: str, n: int, k: int) -> bool:
    """True when a sentence may state a number of 1 to k−1 people.

    Conservative: any whole number from 1 to k−1, and any percentage that is
    1 to k−1 people (or all but 1 to k−1) of n or of a number in the sentence.
    """
    numbers = [int(m) for m in _INTEGER.findall(sentence)]
    if any(is_small(number, k) for number in numbers):
        return True
    bases = [b for b in [*numbers, int(n)] if b > 0]
    for match in _PERCENT.findall(sentence):
        share = float(match.replace(",", ".")) / 100
        for base in bases:
            for part in (share * base, (1 - share) * base):
                if 0.5 <= part < k - 0.5:
                    return True
    return False


def _public_chart(figure: Figure, data: pd.DataFrame):
    """The chart's embedded data with every withheld value emptied (a withheld bar is not drawn)."""
    from via_reports.figures.figure import SpecChart

    spec = figure.chart.to_dict()
    values = [c for c in data.columns if c != "suppressed" and pd.api.types.is_numeric_dtype(data[c])
              and c in figure.data.columns]
    keys = [c for c in figure.data.columns if c in data.columns and c not in values and c != "n"]
    hidden_keys = {tuple(_plain(row[c]) for c in keys) for _, row in data[data["suppressed"]].iterrows()}
    # a chart row matches a data row only by the same key values: a chart that carries labels where the data
    # carry codes (effects.flow: "Hoofdanalyse" for "primary") matches none, and is emptied like a chart of labels
    data_keys = {tuple(_plain(row[c]) for c in keys) for _, row in data.iterrows()}
    points = set(_plain(v) for v in figure.data.loc[figure.data.get("statistic", pd.Series(dtype=str)) == "outlier",
                                                     "value"]) if "statistic" in figure.data else set()
    all_withheld = bool(data["suppressed"].all()) and len(data) > 0
    for name, rows in spec.get("datasets", {}).items():
        kept = []
        for row in rows:
            if "marker" in row and _plain(row.get("value")) in points:
                continue  # a box plot's outlier: one person's value
            key = tuple(_plain(row.get(c)) for c in keys)
            matched = keys and all(c in row for c in keys) and key in data_keys
            # rows that do not carry the figure's keys (a chart of labels) are all emptied once anything is withheld
            if all_withheld or (hidden_keys and (not matched or key in hidden_keys)):
                row = {c: (None if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                       for c, v in row.items()}
            kept.append(row)
        spec["datasets"][name] = kept
    if hidden_keys or all_withheld:
        _mark_withheld(spec)
    return SpecChart(spec)


def _mark_withheld(spec: dict[str, Any]) -> None:
    """Bars with value labels get the marker at zero where the bar is withheld (a layer of its own)."""
    layers = spec.get("layer") or []
    for layer in list(layers):
        mark = layer.get("mark")
        encoding = layer.get("encoding", {})
        if (mark.get("type") if isinstance(mark, dict) else mark) == "text" \
                and encoding.get("text", {}).get("field") in COUNT_VALUES:
            field = encoding["text"]["field"]
            marker = {**layer, "transform": [{"filter": f"datum[{field!r}] === null"}],
                      "encoding": {**encoding, "x": {"datum": 0, "type": "quantitative"},
                                   "text": {"value": MARKER}}}
            layers.append(marker)


def _plain(value: Any) -> Any:
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def _alt_text(figure: Figure, table: pd.DataFrame) -> str:
    """The text alternative of the public figure: its table, row by row."""
    # only the kind of chart of the internal alt text ("Staafdiagram"): what follows it holds the internal numbers
    head = re.split(r"[.,:;(]", figure.alt_text, maxsplit=1)[0].strip()
    head = head if head and not any(c.isdigit() for c in head) else figure.title
    # an empty cell (a flag not set) names no value: "Verschil > 0,1" alone, no stray space
    rows = ["; ".join(f"{column} {value}".strip() for column, value in zip(table.columns, record))
            for record in table.astype(str).itertuples(index=False, name=None)]
    return f"{head}. " + " | ".join(rows) + "."
