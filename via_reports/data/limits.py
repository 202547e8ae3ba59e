"""Bounded work on any input: a fixed number of violations per rule, an absurd width refused early.

The README promises that validation's work is bounded by the data. Two inputs
broke that promise: a ``barriers.csv`` of 200 MB with 8.2 million repeated keys
(a violation object, a pandera failure case and a CSV row each: 9.2 GB and a
1.7 GB report), and a CSV of 2.7 MB with 200,000 header columns (the check for
repeated names compared every name with every other). So:

* **At most** :data:`MAX_PER_RULE` **violations per table, column and rule**
  are listed. The rest is counted exactly and reported as one more row of rule
  :data:`MORE_RULE`, whose value is the count and whose message says
  "and N more" (terminal, CSV and JSON alike); :func:`count_violations` adds the
  counts back, so every total a user reads is exact. The cap is applied where
  the failures are found (:class:`CheckCaps` wraps each pandera check, so
  pandera never collects more than the cap either), not after the fact.
* **A table wider than** :data:`MAX_COLUMNS` is refused before it is parsed
  (:func:`check_width`): the widest contract has 17 columns.

Peak memory then grows with the data's own size, not with the number of
faults in it (``scripts/benchmark.py memory`` measures it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from via_reports.files import InputRefused

if TYPE_CHECKING:  # pandas is imported where the data are checked
    import pandas as pd

    from via_reports.data.validation import Violation

#: Violations listed per table, column and rule; the rest is counted.
MAX_PER_RULE = 1000
#: The rule of the row that stands for the violations beyond :data:`MAX_PER_RULE` (its value: how many).
MORE_RULE = "more"
#: Columns a table may have: far beyond any contract (17 at most) plus a few unknown ones.
MAX_COLUMNS = 1000
#: Bytes of a CSV read to find its header row.
HEADER_BYTES = 1024 * 1024

_MORE = {
    "nl": "en nog {count} schending(en) van de regel {rule} in deze kolom, niet afzonderlijk opgesomd: "
          "herstel de eerste en valideer opnieuw",
    "en": "and {count} more violation(s) of the rule {rule} in this column, not listed one by one: "
          "fix the first ones and validate again",
}


def more_violation(table: str, file: str, column: str | None, rule: str, count: int, severity: str,
                   language: str) -> Violation:
    """The row that says "and N more" for ``count`` violations of ``rule`` beyond the listed ones."""
    from via_reports.data.validation import Violation

    grouped = f"{count:,}".replace(",", "." if language == "nl" else ",")  # 8.199.000 / 8,199,000
    text = _MORE.get(language, _MORE["en"]).format(count=grouped, rule=rule)
    return Violation(table, file, None, column, str(count), MORE_RULE, text, severity)


def count_violations(violations: Iterable[Violation]) -> int:
    """How many violations ``violations`` stands for: a :data:`MORE_RULE` row counts as its value."""
    total = 0
    for violation in violations:
        total += int(violation.value or 0) if violation.rule == MORE_RULE else 1
    return total


def sort_listed(violations: list[Violation], order: Callable[[list[Violation]], list[Violation]]) -> list[Violation]:
    """``order``-ed violations, each table's "and N more" rows after its listed ones."""
    listed = order([v for v in violations if v.rule != MORE_RULE])
    more = [v for v in violations if v.rule == MORE_RULE]
    if not more:
        return listed
    tables = list(dict.fromkeys([v.table for v in listed] + [v.table for v in more]))
    return [v for table in tables for v in [*[x for x in listed if x.table == table],
                                             *[x for x in more if x.table == table]]]


class Counter:
    """Admit the first :data:`MAX_PER_RULE` violations of each (table, column, rule); count the rest."""

    def __init__(self, limit: int = MAX_PER_RULE):
        self.limit = limit
        self.seen: dict[tuple[str, str | None, str, str], int] = {}
        self.files: dict[tuple[str, str | None, str, str], str] = {}

    def admit(self, table: str, file: str, column: str | None, rule: str, severity: str = "error") -> bool:
        key = (table, column, rule, severity)
        self.seen[key] = self.seen.get(key, 0) + 1
        self.files.setdefault(key, file)
        return self.seen[key] <= self.limit

    def add(self, table: str, file: str, column: str | None, rule: str, count: int, severity: str = "error") -> None:
        """``count`` more violations found without being listed (a capped check's rest)."""
        key = (table, column, rule, severity)
        self.seen[key] = self.seen.get(key, 0) + count
        self.files.setdefault(key, file)

    def more(self, language: str) -> list[Violation]:
        """One "and N more" row for every (table, column, rule) beyond the limit."""
        return [more_violation(table, self.files[key], column, rule, count - self.limit, severity, language)
                for key, count in self.seen.items() if count > self.limit
                for table, column, rule, severity in [key]]


class CheckCaps:
    """Wraps pandera checks so that each reports at most ``limit`` failures and counts the rest exactly.

    A failure that validation would not report anyway is not counted: a cell
    already reported as unparsable (``skip``: the row indexes per column), and
    a missing value where the check ignores missing values.
    """

    def __init__(self, unparsable: set[tuple[int, str]], limit: int = MAX_PER_RULE):
        self.skip: dict[str, list[int]] = {}
        for index, column in unparsable:
            self.skip.setdefault(column, []).append(index)
        self.limit = limit
        #: Failures beyond the limit, by check name.
        self.omitted: dict[str, int] = {}

    def wrap(self, name: str, column: str, function: Callable[[pd.Series], Any],
             ignore_na: bool) -> Callable[[pd.Series], pd.Series]:
        import numpy as np
        import pandas as pd

        def capped(values: pd.Series) -> pd.Series:
            result = function(values)
            ok = pd.Series(result, index=values.index) if not isinstance(result, pd.Series) else result
            ok = ok.astype("boolean").fillna(ignore_na).astype(bool)
            if ignore_na:
                ok = ok | values.isna().to_numpy()
            skipped = self.skip.get(column)
            if skipped:
                ok = ok | values.index.isin(skipped)
            failing = np.flatnonzero(~ok.to_numpy())
            if len(failing) > self.limit:
                self.omitted[name] = len(failing) - self.limit
                ok = ok.copy()
                ok.iloc[failing[self.limit:]] = True
            return ok

        return capped

    def cap_schema(self, schema: Any) -> Any:
        """``schema`` (a pandera DataFrameSchema) with every column check wrapped by :meth:`wrap`."""
        import pandera.pandas as pa

        for column, spec in schema.columns.items():
            spec.checks = [pa.Check(self.wrap(check.name, column, check._check_fn, check.ignore_na),
                                    name=check.name, ignore_na=check.ignore_na) for check in spec.checks]
        return schema


def first_true(mask: pd.Series, limit: int = MAX_PER_RULE) -> pd.Series:
    """``mask`` with only its first ``limit`` True values kept (what is explained one by one)."""
    import numpy as np

    positions = np.flatnonzero(mask.to_numpy())
    if len(positions) <= limit:
        return mask
    kept = mask.copy()
    kept.iloc[positions[limit:]] = False
    return kept


def check_width(path: Path, fmt: str) -> None:
    """Refuse a table with more than :data:`MAX_COLUMNS` columns before it is parsed (InputRefused)."""
    columns, at_least = _column_count(path, fmt)
    if columns is not None and columns > MAX_COLUMNS:
        raise InputRefused(f"{path.name} has {'at least ' if at_least else ''}{columns:,} columns, more than the "
                           f"limit of {MAX_COLUMNS:,} (a table of the contract has at most a few dozen); is it "
                           "the right file?")


def _column_count(path: Path, fmt: str) -> tuple[int | None, bool]:
    """The table's number of columns, and whether that is only a lower bound (a header of a megabyte)."""
    if fmt == "csv":
        with path.open("rb") as handle:
            start = handle.read(HEADER_BYTES)
        text = start.decode("utf-8-sig", errors="replace")
        if b"\n" not in start and b"\r" not in start and len(start) == HEADER_BYTES:
            return text.count(",") + 1, True  # the header row goes on: at least this many columns
        return len(next(csv.reader(io.StringIO(text)), [])), False
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return len(pq.read_schema(path).names), False
    if fmt == "spss":
        import pyreadstat

        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        return len(meta.column_names), False
    return None, False
