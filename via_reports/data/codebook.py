"""The codebook: Dutch and English display labels for every code.

Data carry stable lowercase codes; whatever a reader sees is looked up here.
The single source is ``data_contracts/codebook.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from via_reports.resources import contracts_dir


@dataclass(frozen=True)
class CodeList:
    """One code list (e.g. ``sex``): its codes in order, with their labels."""

    name: str
    codes: tuple[Any, ...]
    labels: dict[Any, dict[str, str]]
    ordered: bool
    missing_label: dict[str, str] | None

    def label(self, code: Any, language: str = "nl", *, form: str | None = None) -> str:
        """Display label of ``code``; ``form`` picks e.g. ``plural`` or ``adjective``."""
        entry = self.labels[_normalise(code)]
        if form:
            return entry.get(f"{form}_{language}") or entry[language]
        return entry[language]

    def code_for_label(self, text: str) -> Any | None:
        """The code whose code, Dutch or English label equals ``text`` (case-insensitive)."""
        wanted = str(text).strip().casefold()
        for code, entry in self.labels.items():
            names = {str(code).casefold(), entry["nl"].casefold(), entry["en"].casefold()}
            if wanted in names:
                return code
        return None


def _normalise(code: Any) -> Any:
    """Integer codes (ease 1-5) may arrive as 4, 4.0 or '4'."""
    if isinstance(code, float) and code.is_integer():
        return int(code)
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return code


@dataclass(frozen=True)
class Codebook:
    version: int
    lists: dict[str, CodeList]

    def __getitem__(self, name: str) -> CodeList:
        try:
            return self.lists[name]
        except KeyError:
            raise KeyError(f"the codebook has no code list {name!r}") from None

    def label(self, list_name: str, code: Any, language: str = "nl", *, form: str | None = None) -> str:
        return self[list_name].label(code, language, form=form)


@lru_cache(maxsize=1)
def load_codebook() -> Codebook:
    """Read ``data_contracts/codebook.yaml`` (once per process)."""
    raw = yaml.safe_load((contracts_dir() / "codebook.yaml").read_text(encoding="utf-8"))
    lists = {}
    for name, spec in raw["code_lists"].items():
        labels = {_normalise(code): entry for code, entry in spec["codes"].items()}
        lists[name] = CodeList(
            name=name,
            codes=tuple(labels),
            labels=labels,
            ordered=bool(spec.get("ordered", False)),
            missing_label=spec.get("missing"),
        )
    return Codebook(version=int(raw["contract_version"]), lists=lists)
