"""Labels of the report: the fixed words per language, from templates/pdf/labels.yaml."""

from __future__ import annotations

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

