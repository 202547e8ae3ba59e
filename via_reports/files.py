"""Files in and out: what a user hands us is read in its folder only; what we write is readable.

A dataset folder or a theme folder may come from anyone (a colleague, a
download). Its files are *read*, never followed elsewhere:

* :func:`file_in_folder` resolves a name given in the folder (``participants.csv``,
  ``logo: mark.svg``) to a file inside that folder, refusing absolute paths,
  ``..`` that climbs out, and symbolic links anywhere on the way (a link
  ``approach.md -> /etc/passwd`` would otherwise print that file in the report);
* :func:`read_small_yaml` reads study.yaml or theme.yaml with a size limit and
  without YAML aliases (a "billion laughs" file of 1 KB expands to gigabytes).

Both raise :class:`InputRefused` with a message for the user; the caller turns it
into its own error (a contract violation for data, a parameter error for a theme).
What we write gets the user's usual permissions (:func:`current_umask`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

#: study.yaml and theme.yaml are a few KB; anything near this is not one of them.
MAX_YAML_BYTES = 256 * 1024


class InputRefused(ValueError):
    """A file of the user's that is not read: a link, a path out of its folder, too large."""


def file_in_folder(folder: str | Path, name: str | Path, *, what: str = "file") -> Path:
    """``name`` (relative to ``folder``) as a path inside ``folder``, with no symbolic link on the way.

    The folder itself may be reached through a link (the user chose it); nothing
    in it may point out of it. The file need not exist (the caller checks).
    """
    root = Path(folder).resolve()
    given = Path(name)
    if given.is_absolute():
        raise InputRefused(f"{what} {str(name)!r} is an absolute path; give a path inside {root}")
    relative = Path(os.path.normpath(given))
    if relative.parts and relative.parts[0] == "..":
        raise InputRefused(f"{what} {str(name)!r} lies outside {root}; only files inside it are read")
    current = root
    for part in relative.parts:
        if part == ".":
            continue
        current = current / part
        if current.is_symlink():
            raise InputRefused(f"{what} {current} is a symbolic link; links are not followed: "
                               "copy the file itself into the folder")
    return current


def refuse_link(path: Path, *, what: str = "file") -> None:
    """A file found by listing a folder (a glob) must be the file itself, not a link."""
    if path.is_symlink():
        raise InputRefused(f"{what} {path} is a symbolic link; links are not followed: "
                           "copy the file itself into the folder")


def check_size(path: Path, limit: int, *, what: str = "file") -> None:
    """Refuse a file larger than ``limit`` bytes, or one that is not a regular file (a pipe, a device)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputRefused(f"{what} {path} is not a regular file")
    if info.st_size > limit:
        raise InputRefused(f"{what} {path.name} is {info.st_size:,} bytes, more than the limit of "
                           f"{limit:,} bytes")


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases (``*name``) instead of expanding them."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML's hook
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed here; write the value out", mark)
        return super().compose_node(parent, index)


def read_small_yaml(path: Path, *, what: str) -> Any:
    """The YAML document in ``path``: at most :data:`MAX_YAML_BYTES`, no aliases.

    Raises :class:`InputRefused` (too large, not a regular file), ``OSError``
    (unreadable), ``UnicodeDecodeError`` and ``yaml.YAMLError`` like ``safe_load``.
    """
    check_size(path, MAX_YAML_BYTES, what=what)
    return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_NoAliasLoader)  # noqa: S506 - a safe loader


def top_level_lines(path: Path) -> dict[str, int]:
    """The line (1-based) of each top-level key of a YAML mapping, to name in a message.

    Read like :func:`read_small_yaml` (call that first: it checks the size).
    """
    node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=_NoAliasLoader)  # noqa: S506 - a safe loader
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _ in node.value}


def current_umask() -> int:
    """The process's umask (read by setting it, then put back at once)."""
    current = os.umask(0)
    os.umask(current)
    return current


def process_is_alive(pid: int) -> bool:
    """A process ``pid`` exists (ours or someone else's): the folder it names is still in use."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):  # gone, or no process number at all
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True
