"""Step 1 of validation, **parse**: each text cell turned into its contract type.

Every input format is read as text first (:mod:`via_reports.data.loading`);
here a column of texts becomes integers, numbers, booleans or dates, strictly
(a plain decimal with a dot, ``YYYY-MM-DD`` and an existing date, no
thousands separators), and each cell that does not parse is named with the
rule it breaks, for :mod:`via_reports.data.validation` to report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from via_reports.data.contracts import ColumnSpec
from via_reports.data.loading import BOOLEAN_WORDS, factorize_values, take_distinct


def _parse_boolean(text: str) -> bool | None:
    return BOOLEAN_WORDS.get(text.strip().casefold())


#: Plain decimal numbers with a dot: no thousands separators, no "1_974", no other digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Larger whole numbers are not exact in a float, and no column of the contract needs them.
_LARGEST_INTEGER = 2**53


def _parse_number(text: str) -> float | None:
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if abs(number) != float("inf") else None


def _parse_integer(text: str) -> int | None:
    number = _parse_number(text)
    if number is None or not float(number).is_integer() or abs(number) > _LARGEST_INTEGER:
        return None
    return int(number)


def _parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD exactly (an existing date); nothing before, after or instead."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2020-02-30
        return None


PARSERS: dict[str, tuple[Callable[[str], Any], str, str]] = {
    # type: (parser, pandas dtype, rule name for a cell that does not parse)
    "integer": (_parse_integer, "Int64", "type_integer"),
    "number": (_parse_number, "float64", "type_number"),
    "boolean": (_parse_boolean, "boolean", "type_boolean"),
    "date": (_parse_date, "datetime64[ns]", "type_date"),
}


def parse_column(texts: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, list[tuple[int, str, str]]]:
    """Typed column plus (index, text, rule) for every cell that does not parse."""
    if spec.type not in PARSERS:
        return texts.astype("string"), []
    parser, dtype, rule = PARSERS[spec.type]
    codes, distinct = factorize_values(texts)  # each distinct text is parsed once
    parsed = [parser(text) for text in distinct]
    failed = [code for code, value in enumerate(parsed) if value is None]
    index = texts.index
    bad = [(index[position], distinct[codes[position]], rule)
           for position in np.flatnonzero(np.isin(codes, failed))]
    values = take_distinct(codes, parsed).tolist()
    if dtype == "datetime64[ns]":
        return pd.Series(pd.to_datetime(values), index=index).astype(dtype), bad
    return pd.Series(values, index=index, dtype=dtype), bad
