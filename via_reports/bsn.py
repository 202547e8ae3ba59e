"""Citizen service numbers (BSN): recognised by the elfproef, never shown.

A dataset must use pseudonyms; a value that passes the BSN check is refused
by validation (``forbid_bsn`` in the contract) and masked wherever a message
could show it (the terminal, ``--report`` files): the row and the column are
enough to find it.
"""

from __future__ import annotations

import re

#: Nine digits standing alone: a candidate BSN inside a longer text.
_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
#: What a BSN-like number is shown as.
BSN_MASK = "*********"


def mask_bsn(text: str | None) -> str | None:
    """``text`` with every number that passes the BSN elfproef replaced by asterisks."""
    if not text or not _NINE_DIGITS.search(text):
        return text
    return _NINE_DIGITS.sub(lambda m: BSN_MASK if looks_like_bsn(m.group(0)) else m.group(0), text)


def looks_like_bsn(value: object) -> bool:
    """Nine digits that pass the BSN check (elfproef): 9·d1 + 8·d2 + ... + 2·d8 − d9 ≡ 0 (mod 11)."""
    text = str(value)
    if len(text) != 9 or not text.isdigit():
        return False
    digits = [int(c) for c in text]
    total = sum(weight * digit for weight, digit in zip(range(9, 1, -1), digits[:8])) - digits[8]
    return total % 11 == 0
