"""One breach of the data contract, as data: the bottom layer's record of a violation.

:class:`Violation` is what :class:`~via_reports.exceptions.ContractError`
carries, what validation finds and what ``validate --report`` writes, so it
lives at the bottom of the layers, next to the exceptions, and imports
nothing above them (only the BSN mask, :mod:`via_reports.bsn`). The "and N
more" row of a rule whose violations are not all listed
(:data:`MORE_RULE`, see :mod:`via_reports.data.limits`) is counted here as
well, because the error's message counts it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from via_reports.bsn import mask_bsn

#: The rule of the row that stands for the violations beyond the listed ones (its value: how many).
MORE_RULE = "more"


@dataclass(frozen=True)
class Violation:
    """One breach of the contract, located as the user sees it.

    A number in the value or the message that looks like a citizen service
    number (BSN) is masked here, once for every way out (terminal, CSV, JSON):
    the row and the column are enough to find it.
    """

    table: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", mask_bsn(self.value))
        object.__setattr__(self, "message", mask_bsn(self.message))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


VIOLATION_FIELDS = tuple(Violation.__dataclass_fields__)


def count_violations(violations: Iterable[Violation]) -> int:
    """How many violations ``violations`` stands for: a :data:`MORE_RULE` row counts as its value."""
    total = 0
    for violation in violations:
        total += int(violation.value or 0) if violation.rule == MORE_RULE else 1
    return total
