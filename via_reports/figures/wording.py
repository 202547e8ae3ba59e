"""Wording as data: generated sentences come from ``templates/pdf/wording/<topic>.yaml``.

Each file holds one mapping per report language (``nl``, ``en``) with the
same keys. A template is a Python format string (``"{count} van de {n}"``);
``{level}`` (the confidence level of an interval) is filled in on loading;
a key whose value is a mapping with ``one`` and ``other`` is chosen by a
count (:func:`plural`), so that "1 kenmerk" and "3 kenmerken" both read
right. Numbers are formatted before they go in (:mod:`via_reports.analysis.formatting`).

    words = wording("effects", "nl")
    plural(words["text"]["imbalanced"], 3).format(count=3, ...)
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from via_reports.analysis.formatting import format_number, format_rounded, round_half_away
from via_reports.resources import templates_dir


@functools.lru_cache(maxsize=None)
def _topic(topic: str) -> dict[str, Any]:
    path = templates_dir() / "pdf" / "wording" / f"{topic}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def wording(topic: str, language: str, alpha: float = 0.05) -> dict[str, Any]:
    """The wording of ``topic`` in ``language``, with ``{level}`` (of "95%-BI") set to 100·(1 − alpha)."""
    level = format_rounded(100 * (1 - alpha), language, 1)

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        return node.replace("{level}", level) if isinstance(node, str) else node

    return fill(_topic(topic)[language])


def plural(forms: str | dict[str, str], count: int) -> str:
    """``forms["one"]`` for a count of 1, ``forms["other"]`` otherwise (a plain string is both)."""
    if isinstance(forms, str):
        return forms
    return forms["one"] if count == 1 else forms["other"]


def number(value: float, language: str, decimals: int) -> str:
    """'6,7' / '6.7' with a fixed number of decimals; '–' for a missing value."""
    if value is None or value != value:
        return "–"
    return format_number(float(value), language, decimals)


def signed(value: float, language: str, decimals: int) -> str:
    """'+4,3' / '-10,8' / '0,0': a sign wherever the rounded value is not zero."""
    text = number(value, language, decimals)
    if value is None or value != value:
        return text
    return f"+{text}" if round_half_away(float(value), decimals) > 0 else text


def interval(low: float, high: float, language: str, decimals: int) -> str:
    """'-13,6 – 22,0' for a table cell; no line break inside ('–' when there is no interval)."""
    if low is None or low != low:
        return "–"
    return f"{number(low, language, decimals)}\u00a0–\u00a0{number(high, language, decimals)}"


def smd_text(smd: float, language: str) -> str:
    """A standardised difference with a sign: two decimals, three where two would hide that |smd| > 0.1.

    −0.104 reads '-0,104', never '-0,10' next to "greater than 0.1"; ±∞ for a complete separation.
    """
    if smd != smd:
        return "–"
    if smd in (float("inf"), float("-inf")):
        return "+∞" if smd > 0 else "−∞"
    places = 2 if (abs(smd) > 0.1) == (abs(round_half_away(smd, 2)) > 0.1) else 3
    return signed(smd, language, places)


def barrier_words(template: dict[str, str], measure: str, language: str) -> dict[str, str]:
    """``template``'s texts with ``{barrier}`` replaced by the label of the barrier in ``measure`` (barrier_home)."""
    from via_reports.data.codebook import load_codebook

    barrier = load_codebook().label("barrier", measure.removeprefix("barrier_"), language)
    return {key: text.replace("{barrier}", barrier) for key, text in template.items()}


def with_article(word: str, language: str) -> str:
    """'een Turkse' / 'a Turkish', 'an Iraqi': the indefinite article a word takes in ``language``.

    English takes 'an' before a vowel; our adjectives (of countries) have no silent h or 'yoo' sound.
    """
    if language == "nl":
        return f"een {word}"
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def lower_first(text: str) -> str:
    """'Betaald werk' → 'betaald werk' (for a label inside a sentence)."""
    return text[:1].lower() + text[1:]
