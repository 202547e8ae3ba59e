"""Cells of a typed table as validation shows and looks them up (moved out of :mod:`.validation`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from via_reports.data.contracts import ColumnSpec

#: A value longer than this is shown cut short, with its length.
SHOWN_LENGTH = 200


def shown_value(value: Any, spec: ColumnSpec | None) -> str | None:
    """The offending value as text; free text is never echoed, only its length."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if spec is not None and spec.personal == "free_text":
        return f"<free text, {len(str(value))} characters>"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= SHOWN_LENGTH else f"{text[:SHOWN_LENGTH]}… ({len(text):,} characters)"

class Cells:
    """The cells of a table by (row index, column), in constant time.

    Explaining a violation looks up a few cells of its row. pandas' ``.at``
    costs microseconds a call, which adds up to minutes when each of a million
    rows is a violation, so a column becomes a plain list on first use (the
    typed tables are indexed 0..n-1: the index is the position).
    """

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame
        self._positional = frame.index.equals(pd.RangeIndex(len(frame)))
        self._columns: dict[str, Any] = {}

    def __call__(self, index: int, column: str) -> Any:
        values = self._columns.get(column)
        if values is None:
            listed = self._frame[column].tolist()
            values = listed if self._positional else dict(zip(self._frame.index, listed))
            self._columns[column] = values
        return values[index]
