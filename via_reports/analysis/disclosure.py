"""Statistical disclosure control of counts: which cells a public edition withholds.

The rule (docs/disclosure.md) works on a list of counts ("cells") and the
*margins* a reader knows: groups of cells whose total is shown or can be
worked out (a row, a column, the figure's n). With threshold ``k``:

1. **Primary suppression**: every cell from 1 to k−1 is withheld.
2. **Complementary suppression**: a margin is *safe* when none of its cells
   is withheld, or at least two are and together they hold at least k
   people. While a margin is not safe and still has a cell shown, the
   smallest shown non-zero cell of it is withheld too (a zero only when no
   non-zero cell is left; on a tie, the first). Repeated until no margin
   changes (a fixed point: cells are only ever added, so it ends).
3. A margin that is still not safe then (every cell of it withheld, and its
   total would give the one withheld cell or a total below k) cannot be
   protected by withholding cells: the whole table is withheld.

So no withheld cell is the only unknown of a margin (it cannot be solved
from the total), and the withheld cells of a margin never add up to fewer
than k people (two cells that add up to 2 would each be 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The marker printed in place of a withheld number (tables, text, charts' notes).
MARKER = "×"


def is_small(count: int, k: int) -> bool:
    """A count a public edition never shows: 1 to k−1 people."""
    return 0 < int(count) < k


class Withheld(str):
    """A number that a public edition does not show, as a text placeholder gives it: it prints as the marker.

    It compares unequal to every number and is true, so ``{% if x == 1 %}``
    and ``{% if x %}`` still read; arithmetic with it fails, which the text
    sandbox reports as a TextError naming the file and line.
    """

    def __new__(cls) -> "Withheld":
        return super().__new__(cls, MARKER)


@dataclass(frozen=True)
class Suppression:
    """Which cells are withheld, and whether the whole table must be."""

    #: One flag per cell: True = withheld.
    withheld: tuple[bool, ...]
    #: True when no set of withheld cells protects every margin (rule 3).
    table_withheld: bool = False

    @property
    def count(self) -> int:
        return sum(self.withheld)


def _unsafe(margin: Sequence[int], counts: Sequence[int], withheld: list[bool], k: int) -> bool:
    hidden = [i for i in margin if withheld[i]]
    if not hidden:
        return False
    return len(hidden) == 1 or sum(counts[i] for i in hidden) < k


def _complement(margin: Sequence[int], counts: Sequence[int], withheld: list[bool]) -> int | None:
    """The cell of ``margin`` to withhold next: the smallest shown non-zero one, else a shown zero."""
    shown = [i for i in margin if not withheld[i]]
    non_zero = [i for i in shown if counts[i] > 0]
    candidates = non_zero or shown
    if not candidates:
        return None
    return min(candidates, key=lambda i: (counts[i], i))


def suppress(counts: Sequence[int], margins: Sequence[Sequence[int]], k: int) -> Suppression:
    """The cells to withhold from ``counts`` given the ``margins`` a reader knows (lists of cell indices)."""
    if k < 1:
        raise ValueError(f"the threshold must be at least 1, not {k}")
    counts = [int(c) for c in counts]
    withheld = [is_small(c, k) for c in counts]
    changed = True
    while changed:
        changed = False
        for margin in margins:
            while _unsafe(margin, counts, withheld, k):
                cell = _complement(margin, counts, withheld)
                if cell is None:
                    break
                withheld[cell] = True
                changed = True
    table_withheld = any(_unsafe(margin, counts, withheld, k) for margin in margins)
    if table_withheld:
        withheld = [True] * len(counts)
    return Suppression(tuple(withheld), table_withheld)

