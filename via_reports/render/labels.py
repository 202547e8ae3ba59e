"""Labels of the report (templates/pdf/labels.yaml) and date words per language."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import yaml

from via_reports.resources import templates_dir

# =========================================================================== labels

@functools.lru_cache(maxsize=1)
def _all_labels() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((pdf_templates_dir() / "labels.yaml").read_text(encoding="utf-8"))


def labels_for(language: str) -> dict[str, Any]:
    return _all_labels()[language]


def pdf_templates_dir() -> Path:
    return templates_dir() / "pdf"


def format_month(date: dt.date, language: str) -> str:
    """'april 2021' (nl) / 'April 2021' (en), with babel."""
    from babel.dates import format_date

    return format_date(date, "MMMM y", locale=labels_for(language)["locale"])
