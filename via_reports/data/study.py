"""``study.yaml``: the study's metadata (title, client, authors, waves, ...).

Checked against ``data_contracts/study.schema.yaml`` (JSON Schema) plus the
rules a schema cannot express: dates that exist, windows that run forwards,
the ISBN-13 check digit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import jsonschema

from via_reports.data.contracts import study_schema

WAVE_ORDER = ("T0", "T1", "T2")
#: study.yaml's texts that a reader sees in words of one language. An edition in another
#: language than ``report_language`` needs each one given with that language's suffix
#: (``pilot_name_en``): a report is in one language throughout.
TRANSLATED = ("title", "subtitle_interim", "subtitle_final", "pilot_name", "client",
              "cover_photo_credit", "synthetic_note")
#: Names that may have a version per language (``place_en: The Hague``) and are shown as
#: given when they have none.
NAMES = ("place", "neighbourhood")
#: Characters no text of a report can hold: C0 and C1 control characters (but tab, line feed
#: and carriage return) and the two non-characters XML forbids. A NUL in a label crashed the
#: chart renderer (vl-convert aborts the process); the PDF's fonts have no glyph for any of them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass(frozen=True)
class Wave:
    code: str
    fieldwork_start: dt.date
    fieldwork_end: dt.date


@dataclass(frozen=True)
class Study:
    """The validated contents of study.yaml. ``raw`` keeps every key as given."""

    raw: dict[str, Any]
    title: str
    pilot_name: str
    client: str
    authors: tuple[str, ...]
    contributors: tuple[str, ...]
    place: str
    language: str
    publication_date: dt.date
    study_start: dt.date
    study_end: dt.date
    reference_date: dt.date
    waves: tuple[Wave, ...]
    isbn: str | None
    synthetic: bool

    @property
    def wave_codes(self) -> list[str]:
        return [w.code for w in self.waves]

    def wave(self, code: str) -> Wave:
        for w in self.waves:
            if w.code == code:
                return w
        raise KeyError(code)

    def waves_up_to(self, last: str) -> list[str]:
        """The declared waves from the first up to and including ``last``."""
        codes = self.wave_codes
        if last not in codes:
            raise KeyError(last)
        return codes[: codes.index(last) + 1]

    def get(self, key: str, default: Any = None) -> Any:
        """study.yaml's ``key`` as this study's edition shows it (``pilot_name_en`` in English)."""
        return self.values().get(key, default)

    @property
    def source_language(self) -> str:
        """The language study.yaml's texts are written in (its ``report_language``)."""
        return self.raw.get("report_language", "nl")

    def values(self) -> dict[str, Any]:
        """study.yaml's keys with every text in this edition's language (``pilot_name`` is ``pilot_name_en``)."""
        values = dict(self.raw)
        if self.language != self.source_language:
            for key in (*TRANSLATED, *NAMES):
                if self.raw.get(f"{key}_{self.language}"):
                    values[key] = self.raw[f"{key}_{self.language}"]
        return values

    def missing_translations(self, language: str) -> list[str]:
        """The keys an edition in ``language`` needs and study.yaml lacks (``client_en``, ...)."""
        if language == self.source_language:
            return []
        return [f"{key}_{language}" for key in TRANSLATED
                if self.raw.get(key) and not self.raw.get(f"{key}_{language}")]

    def edition(self, language: str) -> "Study":
        """This study as its edition in ``language`` shows it; see :meth:`missing_translations`."""
        edition = dataclasses.replace(self, language=language)
        values = edition.values()
        return dataclasses.replace(edition, title=values["title"], pilot_name=values["pilot_name"],
                                   client=values["client"], place=values["place"])


@dataclass(frozen=True)
class StudyProblem:
    """One problem in study.yaml: a dotted path to the key and a message."""

    path: str
    value: Any
    rule: str
    message: str
    severity: str = "error"


def isbn13_is_valid(isbn: str) -> bool:
    digits = [c for c in isbn if c.isdigit()]
    if len(digits) != 13:
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _dates_to_text(value: Any) -> Any:
    """YAML turns 2021-04-01 into a date; the schema checks the text form.

    A key left empty (``isbn:``, as ``via-reports init`` writes them) counts as
    left out: an optional one is simply not used, a required one is missing.
    """
    if isinstance(value, dict):
        return {str(k): _dates_to_text(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _texts(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string in study.yaml (keys too) with its dotted path."""
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [(where, str(key))] + _texts(item, where)
        return found
    if isinstance(value, list):
        return [t for i, item in enumerate(value) for t in _texts(item, f"{path}.{i}")]
    return [(path, value)] if isinstance(value, str) else []


def _parse_date(text: str, path: str, problems: list[StudyProblem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        problems.append(StudyProblem(path, text, "date", f"{text!r} is not an existing date (YYYY-MM-DD)"))
        return None


def parse_study(data: Any) -> tuple[Study | None, list[StudyProblem]]:
    """Check study.yaml's contents; return the Study (or None) and every problem found."""
    problems: list[StudyProblem] = []
    if not isinstance(data, dict):
        return None, [StudyProblem("", None, "type", "study.yaml must be a mapping of keys to values")]
    data = _dates_to_text(data)
    schema = study_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path)
        message = error.message
        if error.validator == "required":
            missing = re.match(r"'(.+)' is a required property", error.message)
            path = ".".join(filter(None, [path, missing.group(1) if missing else ""]))
            message = f"{path} is missing or empty: fill it in"
        elif error.instance is None or (error.validator in ("minLength", "minItems") and not error.instance):
            message = f"{path} is empty: fill it in"
        value = error.instance if path and error.validator != "required" else None
        problems.append(StudyProblem(path, value, error.validator, message))
    for path, text in _texts(data):
        if CONTROL_CHARACTERS.search(text):
            problems.append(StudyProblem(path, None, "control_character",
                                         "contains a control character (such as NUL or ESC) that no report "
                                         "can print; remove it"))
    patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
    for key in sorted(k for k in set(data) - set(schema["properties"]) if not any(p.match(k) for p in patterns)):
        problems.append(StudyProblem(key, None, "unknown_key", f"unknown key {key!r} is ignored", "warning"))
    if any(p.severity == "error" for p in problems):
        return None, problems

    dates = {
        key: _parse_date(data[key], key, problems)
        for key in ("publication_date", "reference_date")
    }
    start = _parse_date(data["study_period"]["start"], "study_period.start", problems)
    end = _parse_date(data["study_period"]["end"], "study_period.end", problems)
    if start and end and end < start:
        problems.append(StudyProblem("study_period", data["study_period"], "order", "study_period ends before it starts"))
    waves = []
    for code in [c for c in WAVE_ORDER if c in data["waves"]]:
        first, last = data["waves"][code]["fieldwork"]
        d0 = _parse_date(first, f"waves.{code}.fieldwork", problems)
        d1 = _parse_date(last, f"waves.{code}.fieldwork", problems)
        if d0 and d1:
            if d1 < d0:
                problems.append(StudyProblem(f"waves.{code}.fieldwork", [first, last], "order",
                                             f"the fieldwork of {code} ends before it starts"))
            waves.append(Wave(code, d0, d1))
    for key in ("isbn", "isbn_final"):
        if data.get(key) and not isbn13_is_valid(data[key]):
            problems.append(StudyProblem(key, data[key], "isbn13", f"ISBN {data[key]} has a wrong check digit"))
    isbn = data.get("isbn")
    if any(p.severity == "error" for p in problems):
        return None, problems

    study = Study(
        raw=data,
        title=data["title"],
        pilot_name=data["pilot_name"],
        client=data["client"],
        authors=tuple(data["authors"]),
        contributors=tuple(data.get("contributors", [])),
        place=data["place"],
        language=data.get("report_language", "nl"),
        publication_date=dates["publication_date"],
        study_start=start,
        study_end=end,
        reference_date=dates["reference_date"],
        waves=tuple(waves),
        isbn=isbn,
        synthetic=bool(data.get("synthetic", False)),
    )
    return study, problems
