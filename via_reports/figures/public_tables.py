"""The appendix table of a public figure of estimates and tests: the internal table, withheld cells marked.

A public edition withholds rows of these figures (an outcome's estimates, a
test whose cells are small) in the figure's tidy data
(:mod:`via_reports.figures.public`). Its appendix table must read like the
internal edition's: labels, not codes; percentages and intervals as the
figure formats them; no raw floats (REPORTS.md, "Public edition, per
outcome"). So the table is the figure's own table, row for row, with the
marker in every cell that shows something withheld:

* a **label** (what the row is about) stays, so a withheld row is still named;
* in a withheld row, every other cell that shows a number gets the marker,
  except one that shows only counts the public data still show (an n of k or more);
* in every row, a cell that shows a count the public data withhold gets the marker.

Which columns are labels is read from the figure itself, not from a list that
could fall behind its table: a label column holds no decimal number or
percentage, and its text follows one key column of the data (or two, e.g. the
waves of a pair): the same key, the same text; and another key another text,
unless the column holds more than two texts (a yes/no flag that happens to
agree with a key is not a label).
"""

from __future__ import annotations

import itertools
import re

import pandas as pd

from via_reports.analysis.disclosure import MARKER

#: A number a label never holds: a decimal number or a percentage.
_DECIMAL = re.compile(r"\d[.,]\d|%")
#: A whole number standing alone ("34 / 55", "8 (7,1%)"; not the 0 of "T0").
_INTEGER = re.compile(r"(?<![\w.,])(\d+)(?![\w]|[.,]\d)")
#: A cell that shows only counts: whole numbers and separators ("34 / 55", "112").
_ONLY_COUNTS = re.compile(r"^\s*\d+(\s*/\s*\d+)*\s*$")


def _keys(data: pd.DataFrame) -> list[str]:
    """The data's key columns: what a row is about (codes, not numbers)."""
    return [c for c in data.columns if c != "suppressed" and not pd.api.types.is_numeric_dtype(data[c])
            and not pd.api.types.is_bool_dtype(data[c])]


def _follows(column: pd.Series, keys: pd.DataFrame) -> bool:
    """``column`` follows ``keys`` as a label does, and the keys are not simply one per row."""
    key = pd.Series(["\x1f".join(map(str, row)) for row in keys.itertuples(index=False, name=None)])
    if key.nunique() == len(key):
        return False
    pairs = pd.DataFrame({"key": key.to_numpy(), "text": [str(t) for t in column]}).drop_duplicates()
    if not pairs["key"].is_unique:
        return False  # one key, two texts: not a label of that key
    # one to one; or many texts of which some name several keys ("the other participants"), but not a
    # yes/no flag that merely happens to agree with a key
    return pairs["text"].is_unique or pairs["text"].nunique() > 2


def label_columns(table: pd.DataFrame, data: pd.DataFrame) -> set[str]:
    """The columns of ``table`` (rows as ``data``'s) that name what a row is about."""
    keys = _keys(data)
    labels = set()
    for column in table.columns:
        texts = table[column].astype(str)
        if texts.str.contains(_DECIMAL).any():
            continue
        sets = [[k] for k in keys] + [list(pair) for pair in itertools.combinations(keys, 2)]
        if any(_follows(texts, data[s].reset_index(drop=True)) for s in sets):
            labels.add(column)
    return labels


def _counts(text: str) -> set[int]:
    return {int(n) for n in _INTEGER.findall(text)}


def marked_table(internal: pd.DataFrame, data: pd.DataFrame, public: pd.DataFrame,
                 withheld: list[bool]) -> pd.DataFrame:
    """``internal`` (the figure's own table, a row per row of ``data``) with the marker in every cell
    that shows what ``public`` (``data`` as the public edition shows it) withholds.

    An empty cell of a withheld row is marked too: that a value is missing (or a flag not set) is
    something the row would otherwise tell.
    """
    table = internal.reset_index(drop=True).astype(object)
    data, public = data.reset_index(drop=True), public.reset_index(drop=True)
    labels = label_columns(table, data)
    counts = [c for c in public.columns if str(public[c].dtype) == "Int64" and c in data.columns]
    for i in range(len(table)):
        shown = {int(public.at[i, c]) for c in counts if not pd.isna(public.at[i, c])}
        hidden = {int(data.at[i, c]) for c in counts if pd.isna(public.at[i, c]) and not pd.isna(data.at[i, c])}
        for column in table.columns:
            text = "" if pd.isna(table.at[i, column]) else str(table.at[i, column])
            if _counts(text) & hidden:
                table.at[i, column] = MARKER
            elif withheld[i] and column not in labels \
                    and not (_ONLY_COUNTS.match(text) and _counts(text) <= shown):
                table.at[i, column] = MARKER
    return table
