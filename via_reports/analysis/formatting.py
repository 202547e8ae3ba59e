"""Numbers as the reports print them.

Percentages are of ``n`` and rounded half away from zero: one decimal in
tables and figure data, whole percents in running text. Python's ``round()``
rounds halves to even (``round(12.5) == 12``), so it is never used for this;
the arithmetic goes through :class:`decimal.Decimal` so that 1/8 = 12.5 is
exactly a half and rounds up. Dutch reports write 6,7 and 1.234; English
reports 6.7 and 1,234.

No number reaches the page unguarded (:func:`printable`): a missing value
(NaN) is written as the dash the reports use for "none", and an infinite or
absurdly large one (beyond :data:`LARGEST_PRINTED`; validation's plausible
ranges keep the data far below it) stops the report with a message naming
the value, instead of a ``decimal.InvalidOperation`` or 300 digits in a sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

#: The babel locale of each report language.
LOCALES = {"nl": "nl_NL", "en": "en_GB"}

_OF = {"nl": "van de", "en": "of"}


#: No count, share, mean or year of a report comes near this; a value beyond it is a fault in the data.
LARGEST_PRINTED = 1e12
#: What the reports print for a value that is not there.
NO_VALUE = "–"


class ImplausibleNumber(ValueError):
    """A number no report can print: infinite, or beyond :data:`LARGEST_PRINTED`."""


def printable(value: float | int | Decimal | None) -> bool:
    """True for a number to print; False for a missing one (None, NaN); ImplausibleNumber for the rest."""
    if value is None:
        return False
    number = float(value) if not isinstance(value, int) else value
    if isinstance(number, float) and math.isnan(number):
        return False
    if isinstance(number, float) and math.isinf(number) or abs(number) > LARGEST_PRINTED:
        shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:20]}… ({len(repr(value))} digits)"
        raise ImplausibleNumber(f"{shown} is not a number a report can print (infinite, or beyond "
                                f"{LARGEST_PRINTED:.0e}); check the data for an implausible value")
    return True


def round_half_away(value: float | Decimal, decimals: int = 0) -> float:
    """``value`` rounded to ``decimals`` places, halves away from zero (2.5 → 3, -2.5 → -3)."""
    if isinstance(value, float) and not math.isfinite(value):
        return value
    if abs(value) >= 1e15:  # a float this large has no fraction left to round (and Decimal would overflow)
        return float(value)
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    step = Decimal(1).scaleb(-decimals)
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def percent_value(count: int, n: int, decimals: int = 1) -> float:
    """100·count/n rounded half away from zero (one decimal by default); NaN when n is 0."""
    if n == 0:
        return math.nan
    return round_half_away(Decimal(100 * int(count)) / Decimal(int(n)), decimals)


def whole_percent(count: int, n: int) -> int:
    """The percentage for running text: 1 of 8 → 13."""
    return int(percent_value(count, n, decimals=0))


def format_number(value: float, language: str = "nl", decimals: int | None = None) -> str:
    """6.7 → '6,7' (nl) / '6.7' (en); ``decimals`` fixes the number of decimals."""
    if not printable(value):
        return NO_VALUE
    if decimals is not None:
        value = round_half_away(value, decimals)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=LOCALES[language])
    return format_decimal(value, locale=LOCALES[language])


def format_rounded(value: float, language: str = "nl", decimals: int = 1) -> str:
    """At most ``decimals`` decimals, no trailing zeros: 3.0 → '3', 6.5 → '6,5', 10.25 → '10,3'."""
    if not printable(value):
        return NO_VALUE
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(round_half_away(value, decimals), format=pattern, locale=LOCALES[language])


def format_count(value: int, language: str = "nl") -> str:
    """A whole number for running text: '124', '2021', '12.345' / '12,345' (grouped from five digits on)."""
    if not printable(value):
        return NO_VALUE
    pattern = "#,##0" if abs(value) >= 10_000 else "0"
    return format_decimal(value, format=pattern, locale=LOCALES[language])


def percent_text(count: int, n: int, language: str = "nl", noun: str | None = None) -> str:
    """'54 van de 124 (44%)' / '54 of 124 (44%)'; with ``noun``: '54 van de 124 deelnemers (44%)'."""
    whole = f"{format_count(count, language)} {_OF[language]} {format_count(n, language)}"
    whole += f" {noun}" if noun else ""
    if n == 0:
        return whole
    return f"{whole} ({whole_percent(count, n)}%)"


def p_value_number(p: float, language: str = "nl", threshold: float = 0.05) -> str:
    """'0,031' / '0,060' / '< 0,001': a fixed number of decimals, trailing zeros kept.

    Three decimals, or as many more (up to five) as it takes for the printed
    value to fall on the same side of ``threshold`` as p itself: p = 0.0495
    reads '0,0495', never '0,050' next to "relatively more often". '–' when
    there is no p-value.
    """
    if p is None or math.isnan(p):
        return "–"
    if p < 0.001:
        return f"< {format_number(0.001, language, 3)}"
    decimals = 3
    while decimals < 5 and (p < threshold) != (round_half_away(p, decimals) < threshold):
        decimals += 1
    return format_number(p, language, decimals)


def p_value_text(p: float, language: str = "nl", threshold: float = 0.05) -> str:
    """'p = 0,031' / 'p = 0,060' / 'p < 0,001' (see :func:`p_value_number`); 'p = –' without one."""
    number = p_value_number(p, language, threshold)
    return f"p {number}" if number.startswith("<") else f"p = {number}"


def join_words(items: Sequence[str], language: str = "nl") -> str:
    """['a', 'b', 'c'] → 'a, b en c' / 'a, b and c'."""
    items = list(items)
    if not items:
        return ""
    return format_list(items, locale=LOCALES[language])


#: ASCII punctuation that Markdown may read as markup; CommonMark lets a backslash make any of it plain.
_MARKDOWN_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def markdown_literal(text: str) -> str:
    """``text`` (a label from the data) as Markdown that reads back as exactly ``text``, never as markup.

    'Power *beta* [site](https://x)' stays those characters in a generated sentence
    (https://spec.commonmark.org/0.31.2/#backslash-escapes).
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def capitalize_first(text: str) -> str:
    """Upper-case the first letter only ('vrouwen van 40 jaar' → 'Vrouwen van 40 jaar')."""
    return text[:1].upper() + text[1:]


def long_date(value, language: str) -> str:
    """'15 december 2019' / '15 December 2019'."""
    return format_date(value, "d MMMM y", locale=LOCALES[language])


def month_year(value, language: str) -> str:
    """'april 2021' / 'April 2021'."""
    return format_date(value, "MMMM y", locale=LOCALES[language])
