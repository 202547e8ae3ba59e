"""Errors a user can act on, and the exit codes the command line maps them to.

Every failure that a researcher can fix (bad data, a chapter that fails, a
render that fails) has its own exception class and its own exit status, so a
script can tell them apart without parsing messages. Bad input never ends in
exit status 1 (that is left for bugs): every error raised on purpose is a
subclass below with one of the documented codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from via_reports.data.validation import Violation

#: The data are fine and the command did what was asked.
EXIT_OK = 0
#: The command line itself was wrong (unknown option, missing argument).
EXIT_USAGE = 2
#: The dataset violates the data contract; nothing was written.
EXIT_DATA = 3
#: A chapter notebook failed while running.
EXIT_CHAPTER = 4
#: The report could not be rendered (PDF/HTML).
EXIT_RENDER = 5


class ViaReportsError(Exception):
    """Base class of every error via-reports raises on purpose.

    Raise a subclass: each carries its documented exit status.
    """

    exit_code = EXIT_USAGE


class ContractError(ViaReportsError):
    """The dataset does not meet the data contract.

    Carries *every* violation found in one run (like pandera's
    ``SchemaErrors``), each with table, file, row, column, value and rule.
    """

    exit_code = EXIT_DATA

    def __init__(self, violations: list[Violation], warnings: list[Violation] | None = None):
        self.violations = list(violations)
        self.warnings = list(warnings or [])
        from via_reports.data.limits import count_violations  # "and N more" rows count as N

        tables = sorted({v.table for v in self.violations})
        super().__init__(
            f"{count_violations(self.violations)} contract violation(s) in {', '.join(tables) or 'the dataset'}"
        )


class ParameterError(ViaReportsError):
    """A notebook or build parameter is unknown, missing or has a bad value."""

    exit_code = EXIT_USAGE


class ChapterError(ViaReportsError):
    """A chapter notebook failed; says which chapter, which cell, and where to look."""

    exit_code = EXIT_CHAPTER

    def __init__(self, chapter: str, message: str, *, cell_index: int | None = None,
                 ename: str | None = None, evalue: str | None = None,
                 notebook_path: str | None = None):
        self.chapter = chapter
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.notebook_path = notebook_path
        super().__init__(message)


class TextError(ViaReportsError):
    """An authored text (ours or a dataset's ``text/<lang>/*.md``) could not be filled.

    An unknown placeholder, figure or row, a forbidden tag, or a text that
    exceeds its limits (loop size, output size, time); the message names the
    file and the line. A text is a chapter of the report, hence exit status 4.
    """

    exit_code = EXIT_CHAPTER


class RenderError(ViaReportsError):
    """The PDF or HTML could not be produced from the collected chapters."""

    exit_code = EXIT_RENDER
