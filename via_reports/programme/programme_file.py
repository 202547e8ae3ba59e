"""programme.yaml: the studies of a programme, the editions built for each, what the synthesis pools.

The rules are ``data_contracts/programme.schema.yaml``. A problem is a
:class:`~via_reports.exceptions.ParameterError` (exit status 2) that names
the file, the line and the key (``studies[2].id``), like report.yaml's.
Paths in the file are relative to it. Whether a study's folder holds valid
data is not checked here: that is the business of its own builds, which fail
alone (``via-reports batch``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from via_reports.exceptions import ParameterError
from via_reports.files import InputRefused, read_small_yaml, refuse_link
from via_reports.resources import contracts_dir

#: The outcome codes a synthesis pools when programme.yaml says ``outcomes: all``.
ALL_OUTCOMES = "all"


@lru_cache(maxsize=1)
def programme_schema() -> dict[str, Any]:
    """The JSON Schema of programme.yaml."""
    return yaml.safe_load((contracts_dir() / "programme.schema.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Study:
    """One study: its id and its dataset folder (absolute)."""

    id: str
    data: Path


@dataclass(frozen=True)
class Edition:
    """One report built for every study: a wave, a language (None: the study's) and public or not."""

    wave: str
    language: str | None = None
    public: bool = False

    def folder(self, language: str) -> str:
        """The report's folder inside the study's: ``<wave>-<language>[-public]``."""
        return f"{self.wave}-{language}" + ("-public" if self.public else "")


@dataclass(frozen=True)
class Programme:
    """A parsed, checked programme.yaml."""

    path: Path
    title: str
    language: str
    studies: tuple[Study, ...]
    editions: tuple[Edition, ...]
    outcomes: str | tuple[str, ...]
    analysis: str
    #: The synthesis report's authors and place of publication (cover, colophon); () / None: not given.
    authors: tuple[str, ...] = ()
    place: str | None = None

    def study(self, study_id: str) -> Study:
        return next(study for study in self.studies if study.id == study_id)


def _path_text(path: list[Any]) -> str:
    """``['studies', 2, 'id']`` as ``studies[2].id``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(node: yaml.Node | None, path: list[Any]) -> int | None:
    """The line (1-based) of the value at ``path`` in the composed YAML ``node``; the deepest one found."""
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _located(error: Any) -> list[Any]:
    """Where an error points in the file: an unknown or missing key's own line, else the value's."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        return path + [error.message.split("'")[1]]
    return path


def _message(error: Any) -> str:
    where = _path_text(list(error.absolute_path)) or "programme.yaml"
    if error.validator == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        return f"{where}: unknown key {error.message.split(chr(39))[1]!r}; the keys are {allowed}"
    if error.validator == "required":
        return f"{where}: the key {error.message.split(chr(39))[1]!r} is missing"
    if error.validator == "enum":
        choices = [str(choice) for choice in error.schema["enum"]]
        return f"{where} must be {', '.join(choices[:-1])} or {choices[-1]}, not {error.instance!r}"
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] == "id":
        return (f"{where} must be lower-case letters, digits, '-' or '_' (a folder name), "
                f"not {error.instance!r}")
    if error.validator == "oneOf":
        return f"{where} must be 'all' or a list of outcome codes, not {error.instance!r}"
    return f"{where}: {error.message}"


def programme_problems(data: Any, node: yaml.Node | None) -> list[tuple[int | None, str]]:
    """(line, message) for everything in ``data`` that the schema or the file's own rules refuse."""
    import jsonschema

    if not isinstance(data, dict):
        return [(1, "programme.yaml must be a mapping with title, studies and editions")]
    validator = jsonschema.Draft202012Validator(programme_schema())
    problems = [(_line_of(node, _located(error)), _message(error))
                for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        return problems
    seen: dict[str, int] = {}
    for index, study in enumerate(data["studies"]):
        if study["id"] in seen:
            problems.append((_line_of(node, ["studies", index, "id"]),
                             f"studies[{index}].id: {study['id']!r} is also the id of studies[{seen[study['id']]}]"))
        seen.setdefault(study["id"], index)
    editions: dict[tuple, int] = {}
    for index, edition in enumerate(data["editions"]):
        same = (edition["wave"], edition.get("language"), edition.get("public", False))
        if same in editions:
            problems.append((_line_of(node, ["editions", index]),
                             f"editions[{index}] repeats editions[{editions[same]}]"))
        editions.setdefault(same, index)
    return problems


def load_programme(path: str | Path) -> Programme:
    """Read and check ``path``; a problem is a ParameterError naming the file, line and key."""
    path = Path(path)
    try:
        refuse_link(path, what="programme.yaml")
        data = read_small_yaml(path, what="programme.yaml")
        node = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ParameterError(f"no programme file at {path}") from None
    except InputRefused as refused:
        raise ParameterError(str(refused)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
        raise ParameterError(f"{path} cannot be read: {error}") from None
    problems = programme_problems(data, node)
    if problems:
        raise ParameterError("\n".join(f"{path}" + (f", line {line}" if line else "") + f": {message}"
                                       for line, message in problems))
    folder = path.resolve().parent
    synthesis = data.get("synthesis") or {}
    outcomes = synthesis.get("outcomes", ALL_OUTCOMES)
    return Programme(
        path=path.resolve(),
        title=data["title"],
        language=data.get("language", "nl"),
        studies=tuple(Study(study["id"], (folder / study["data"]).resolve()) for study in data["studies"]),
        editions=tuple(Edition(e["wave"], e.get("language"), bool(e.get("public", False)))
                       for e in data["editions"]),
        outcomes=outcomes if outcomes == ALL_OUTCOMES else tuple(outcomes),
        analysis=synthesis.get("analysis", "primary"),
        authors=tuple(data.get("authors") or ()),
        place=data.get("place"),
    )
