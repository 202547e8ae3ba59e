"""Which edition a build or a notebook makes: internal, or public (docs/disclosure.md).

Three things ask for a public edition: ``public: true`` (``--public``, a
notebook's ``public`` parameter, report.yaml), a threshold (``min_cell``, which
means nothing in an internal edition, so a user who gives one expects the
protection: ``--min-cell 10`` alone is a public edition with k = 10), and
``public: true`` in study.yaml (the data's owner asking for it). ``--internal``
(``internal=True``, a notebook's ``internal`` parameter) is the one way back:
it sets aside report.yaml's and study.yaml's request, for a researcher who
may see the numbers, and it is recorded in the provenance. Asking for both
at once (``--internal --public``, ``--internal --min-cell K``) is a usage error:
no guess is made about which was meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from via_reports.exceptions import ParameterError

#: The options that ask for a public edition.
PUBLIC_OPTIONS = ("public", "min_cell")


def threshold_means_public(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``values`` with ``public: true`` added where a ``min_cell`` is given without ``public``.

    ``public: false`` beside a ``min_cell`` in the same place is a contradiction: a ParameterError.
    """
    values = dict(values)
    if values.get("min_cell") is not None:
        if values.get("public") is False:
            raise ParameterError(f"{where}: min_cell {values['min_cell']!r} is the threshold of a public edition, "
                                 "but public is false; leave out min_cell for the internal edition")
        values.setdefault("public", True)
    return values


def internal_options(from_file: Mapping[str, Any], chosen: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """report.yaml's options without its public edition, and the given ones as an internal edition.

    A ``public`` or ``min_cell`` given together with ``internal`` is refused (exit 2).
    """
    clash = [name for name in PUBLIC_OPTIONS if chosen.get(name) not in (None, False)]
    if clash:
        flags = " and ".join(f"--{name.replace('_', '-')}" for name in clash)
        raise ParameterError(f"--internal and {flags} contradict each other: --internal builds the internal "
                             f"edition, {flags} a public one; give one of them")
    kept = {name: value for name, value in from_file.items() if name not in PUBLIC_OPTIONS}
    return kept, {**{name: value for name, value in chosen.items() if name not in PUBLIC_OPTIONS}, "public": False}


def is_public(public: bool, internal: bool, study: Any) -> bool:
    """The edition: internal when asked for, else public when the options or study.yaml ask for it."""
    if internal and public:
        raise ParameterError("internal and public contradict each other: give one of them")
    return not internal and (bool(public) or study.get("public") is True)
