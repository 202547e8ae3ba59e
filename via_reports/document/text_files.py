"""A text chapter's file: which one (the dataset's own, else ours), read safely, and filled.

A dataset folder may bring its own ``text/<lang>/<id>.md``; it is taken only
from inside that folder, at most :data:`~via_reports.data.loading.MAX_TEXT_BYTES`
long and UTF-8, else a :class:`~via_reports.exceptions.TextError` names it.
"""

from __future__ import annotations

from pathlib import Path

from via_reports.data.loading import MAX_TEXT_BYTES
from via_reports.document.placeholders import TextContext
from via_reports.document.text import render_text
from via_reports.exceptions import TextError
from via_reports.files import InputRefused, check_size, file_in_folder
from via_reports.resources import templates_dir


def text_path(chapter_id: str, language: str, data_dir: str | Path | None = None) -> Path:
    """The text of a chapter: the dataset's own ``text/<lang>/<id>.md`` if present, else ours.

    The dataset's file is taken only from inside its folder: a symbolic link
    there is a :class:`TextError` (validation reports it first).
    """
    if data_dir:
        try:
            own = file_in_folder(data_dir, Path("text") / language / f"{chapter_id}.md", what="text")
        except InputRefused as refused:
            raise TextError(str(refused)) from None
        if own.is_file():
            return own
    return templates_dir() / "text" / language / f"{chapter_id}.md"


def split_title(markdown: str) -> tuple[str | None, str]:
    """A leading '# Title' line and the rest."""
    lines = markdown.lstrip("\n").splitlines()
    if lines and lines[0].startswith("# "):
        return lines[0][2:].strip(), "\n".join(lines[1:]).lstrip("\n")
    return None, markdown


def load_text(chapter_id: str, context: TextContext, data_dir: str | Path | None = None) -> tuple[str | None, str]:
    """(title, Markdown body) of a text chapter with its placeholders filled."""
    path = text_path(chapter_id, context.language, data_dir)
    if not path.is_file():
        raise TextError(f"no text for chapter {chapter_id!r} in language {context.language!r} ({path})")
    return split_title(render_text(read_text_source(path), context, name=str(path)))


def read_text_source(path: Path) -> str:
    """A text file's Markdown source: at most MAX_TEXT_BYTES, UTF-8; else a TextError naming it."""
    try:
        check_size(path, MAX_TEXT_BYTES, what="text")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    except (InputRefused, OSError) as exc:  # too large or not a file (refused), unreadable
        message = str(exc) if isinstance(exc, InputRefused) else f"{path} cannot be read: {exc.strerror or exc}"
        raise TextError(message) from None
