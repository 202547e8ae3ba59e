"""The effects chapter's words in a public edition, made from the rows the edition shows.

Above :mod:`via_reports.figures.effects_public` (which rows fall, and how a
withheld outcome is named) and :mod:`via_reports.figures.public` (the public
tables): the chapter's text makers read the first, so the functions that feed
them the public tables live here, and no import runs back down.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from via_reports.analysis.formatting import join_words
from via_reports.figures import effects_checks as checks
from via_reports.figures.effects_text import baseline_text
from via_reports.figures.public import public_balance, public_outcomes_data


def public_results(results, k: int):
    """``results`` (an :class:`~via_reports.figures.effects_text.EffectsResults`) as a public edition with
    threshold ``k`` shows ``effects.outcomes``: withheld rows empty, ``suppressed`` set, ``min_cell`` k."""
    data, _ = public_outcomes_data(results.outcomes, k)
    return dataclasses.replace(results, outcomes=data, min_cell=k, _estimates={})


def public_baseline_text(results, k: int) -> list[str]:
    """The balance paragraphs under ``effects.baseline`` in a public edition with threshold ``k``.

    Made from the rows the edition shows (a withheld row's SMD is not stated,
    nor counted as balanced); the withheld rows are named per analysis; and
    when the lottery warning rests on a withheld row, the warning stays as a
    verdict without that row's numbers: it is a caveat, and "the caveats stay".
    """
    data, withheld = public_balance(results.baseline, ("pilot", "control"), k)
    shown = dataclasses.replace(results, baseline=data, min_cell=k, _estimates={})
    paragraphs = baseline_text(shown)
    words = checks.v3_words(results)
    rows = results.baseline[pd.Series(withheld, index=results.baseline.index)]
    items = [words["withheld_balance_item"].format(
        analysis=results.analysis_name(analysis),
        labels=join_words([results.words["nouns"].get(c, c) for c in part["characteristic"]], results.language))
        for analysis, part in rows.groupby("analysis", sort=False)]
    if items:
        paragraphs.append(words["withheld_balance"].format(k=k, items="; ".join(items)))
    if checks.lottery_warning(results) and not checks.lottery_warning(shown):
        paragraphs.append(words["warning_withheld"].format(k=k))
    return paragraphs
