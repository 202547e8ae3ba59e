"""The options of a report: their defaults, their rules and report.yaml, in one place.

``data_contracts/report.schema.yaml`` declares every option with its default
and its allowed values. The command line (``via-reports build``), the Python
API (:func:`via_reports.build_report`), the chapter notebooks' parameters
cell (:func:`via_reports.chapters.registry.check_parameters`) and a dataset's
``report.yaml`` are checked by :func:`check_options`, so a wrong value gets
the same message everywhere (``language must be nl or en, not 'de'``).

``report.yaml`` in a dataset folder keeps that study's options with its data;
an option given on the command line or to ``build_report`` overrides it
(:func:`resolve_options`). ``None`` means "decided by the data": the last
answered wave, the study's language, the report kind that wave implies (see
:meth:`via_reports.analysis.scope.Scope.for_wave`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from via_reports.exceptions import ParameterError
from via_reports.resources import contracts_dir

#: The options file of a dataset folder.
REPORT_FILE = "report.yaml"


@lru_cache(maxsize=1)
def options_schema() -> dict[str, Any]:
    """The JSON Schema of the options (and of report.yaml)."""
    return yaml.safe_load((contracts_dir() / "report.schema.yaml").read_text(encoding="utf-8"))


def _allowed(name: str) -> tuple[str, ...]:
    return tuple(value for value in options_schema()["properties"][name]["enum"] if value is not None)


#: Every option with its default.
DEFAULT_OPTIONS: dict[str, Any] = {name: spec.get("default")
                                   for name, spec in options_schema()["properties"].items()}
#: The report languages, the first is the default where no study says otherwise.
LANGUAGES = _allowed("language")
#: The report kinds: an interim report, and the final report with the effects chapter.
KINDS = _allowed("kind")

_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "string": "a text", "boolean": "true or false"}


def _message(error: Any) -> tuple[str, str]:
    """(option, plain message) of one jsonschema error about one option."""
    name = str(error.absolute_path[0])
    value = error.instance
    schema = error.schema
    if error.validator == "enum":
        choices = [str(v) for v in schema["enum"] if v is not None]
        return name, f"{name} must be {', '.join(choices[:-1])} or {choices[-1]}, not {value!r}"
    if error.validator == "type":
        return name, f"{name} must be {_TYPE_WORDS.get(schema['type'], schema['type'])}, not {value!r}"
    if error.validator == "minimum":
        return name, f"{name} must be at least {schema['minimum']}, not {value!r}"
    if error.validator == "maximum":  # a plausible range: --jobs 10**40 is no number of processors
        return name, f"{name} must be at most {schema['maximum']}, not {_short(value)}"
    if error.validator in ("exclusiveMinimum", "exclusiveMaximum"):
        return name, (f"{name} must lie between {schema['exclusiveMinimum']} and {schema['exclusiveMaximum']}, "
                      f"not {value!r}")
    if error.validator == "minLength":
        return name, f"{name} must not be empty"
    if error.validator == "minItems":
        return name, f"{name} must name at least one"
    if error.validator == "uniqueItems":
        return name, f"{name} names one twice: {value!r}"
    return name, f"{name}: {error.message}"


def _strict_validator():
    """The schema's validator with a strict ``integer``: 2.0 is a number, not a whole number.

    JSON Schema counts 2.0 as an integer; a threshold written ``min_cell: 2.0``
    is more likely a slip (or a value meant as 2.5) than a whole number, so it
    is refused with the option's name, like every other wrong value.
    """
    import numbers

    import jsonschema

    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, numbers.Integral) and not isinstance(value, bool))
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)


def option_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(option, message) for every unknown option and every value the schema does not allow."""
    known = options_schema()["properties"]
    problems = [(str(name), f"unknown option {str(name)!r}; the options are {', '.join(known)}")
                for name in values if name not in known]
    validator = _strict_validator()(options_schema())
    for error in validator.iter_errors({k: v for k, v in values.items() if k in known}):
        problems.append(_message(error))
    for name, value in values.items():  # JSON Schema's bounds let NaN through (every comparison is false)
        if isinstance(value, float) and not math.isfinite(value):
            problems.append((str(name), f"{name} must be a finite number, not {value!r}"))
    if "formats" in values:
        from via_reports.formats import unknown_formats

        message = unknown_formats(values["formats"])
        problems += [("formats", message)] if message else []
    return problems


def _short(value: Any) -> str:
    """A value for a message: a number of 41 digits is named by its length."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}… ({len(text)} characters)"


def check_options(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` as given, after checking each against the schema; a problem is a :class:`ParameterError`."""
    problems = option_problems(values)
    if problems:
        raise ParameterError("; ".join(message for _, message in problems))
    return dict(values)


def read_report_file(data_dir: Path) -> tuple[dict[str, Any], list[tuple[int | None, str]]]:
    """The options in ``data_dir/report.yaml`` and its problems as (line, message).

    No file: no options. A theme that is not one of the shipped themes is a
    folder inside the dataset folder (never a link or a path out of it) and
    comes back as its full path.
    """
    from via_reports.files import InputRefused, file_in_folder, read_small_yaml, refuse_link, top_level_lines
    from via_reports.report.themes import available_themes

    path = data_dir / REPORT_FILE
    if not path.exists() and not path.is_symlink():
        return {}, []
    try:
        refuse_link(path, what=REPORT_FILE)
        data = read_small_yaml(path, what=REPORT_FILE)
        lines = top_level_lines(path)
    except InputRefused as refused:
        return {}, [(None, str(refused))]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
        mark = getattr(error, "problem_mark", None)
        return {}, [(mark.line + 1 if mark else None, f"{REPORT_FILE} cannot be read: {error}")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [(1, f"{REPORT_FILE} must be a mapping of option names to values, e.g. 'language: en'")]
    problems = [(lines.get(str(name)), message) for name, message in option_problems(data)]
    options = {str(name): value for name, value in data.items() if value is not None}
    theme = options.get("theme")
    if not problems and theme is not None and theme not in available_themes():
        try:
            options["theme"] = str(file_in_folder(data_dir, theme, what="theme"))
        except InputRefused as refused:
            problems.append((lines.get("theme"), str(refused)))
    return options, problems


def report_file_error(data_dir: Path, problems: list[tuple[int | None, str]]) -> ParameterError:
    """One error naming report.yaml and the line of each problem."""
    path = data_dir / REPORT_FILE
    return ParameterError("\n".join(f"{path}" + (f", line {line}" if line else "") + f": {message}"
                                    for line, message in problems))


def resolve_options(data_dir: Path | None, given: Mapping[str, Any], internal: bool = False) -> dict[str, Any]:
    """Every option: its default, overridden by ``data_dir/report.yaml``, overridden by ``given``.

    A ``None`` in ``given`` means "not given". Every value is checked. A
    threshold (``min_cell``) asks for a public edition wherever it is given
    (:func:`via_reports.edition.threshold_means_public`); ``internal`` (``--internal``)
    sets aside report.yaml's ``public`` and ``min_cell`` and refuses them in ``given``.
    """
    from via_reports.edition import internal_options, threshold_means_public

    from_file: dict[str, Any] = {}
    if data_dir is not None:
        from_file, problems = read_report_file(data_dir)
        if problems:
            raise report_file_error(data_dir, problems)
    chosen = {name: value for name, value in given.items() if value is not None}
    if internal:
        from_file, chosen = internal_options(from_file, chosen)
    else:
        from_file = threshold_means_public(from_file, str(data_dir / REPORT_FILE) if data_dir else REPORT_FILE)
        chosen = threshold_means_public(chosen, "the options given")
    return check_options({**DEFAULT_OPTIONS, **from_file, **chosen})


#: The environment variable a build sets in its kernels: the build's cache folder (unset without a cache).
CACHE_FOLDER_VARIABLE = "VIA_REPORTS_CACHE_FOLDER"


def default_cache_dir() -> Path:
    """Where finished chapters and chart SVGs are kept between builds (``--cache-dir``).

    ``$XDG_CACHE_HOME/via-reports``, else ``~/.cache/via-reports``, as the XDG
    base directory specification says.
    """
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "via-reports"
