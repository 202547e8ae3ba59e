"""The effects chapter in a public edition: per outcome, never the whole chapter (statistics v3).

REPORTS.md, "Public edition, per outcome": disclosure control withholds the
cells and rows that need it, never a whole chapter's conclusions. The
bottom line, the minimum detectable effect and the caveats stay for every
outcome that can be published; an outcome whose row is withheld (a group of
1 to k−1 people, or a share that would give such a count, in any analysis or
estimator) is named as withheld, and none of its statistics (p, p_holm,
effect, interval, se, mde, means) is stated.

:func:`public_outcomes_text` filters the chapter's paragraphs under
``effects.outcomes`` (one paragraph per outcome, recognisable by its bold
label); :func:`withheld_outcomes` tells the bottom line
(:mod:`via_reports.report.bottom_line`) which outcomes to name as withheld.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from via_reports.figures.wording import wording


def withheld_outcomes(outcomes: pd.DataFrame) -> list[str]:
    """The outcomes with any withheld row in ``effects.outcomes`` (empty for an internal edition)."""
    if "suppressed" not in outcomes:
        return []
    flags = outcomes["suppressed"].astype(bool)
    return list(dict.fromkeys(outcomes.loc[flags, "outcome"]))


def withheld_sentence(label: str, language: str, k: int) -> str:
    return wording("effects_v3", language)["withheld_outcome"].format(label=label, k=k)


def public_outcomes_text(text: list[str], data: pd.DataFrame, language: str, k: int,
                         reveals: Callable[[str], bool]) -> list[str]:
    """The paragraphs of ``effects.outcomes`` for a public edition.

    An outcome paragraph of a withheld outcome becomes the sentence naming it
    as withheld; that of a publishable outcome stays whole (its groups and
    shares are k or more people, or its row would be withheld). Any other
    paragraph stays unless ``reveals`` finds a number of 1 to k−1 people in it.
    """
    words = wording("effects", language)["outcomes"]
    withheld = set(withheld_outcomes(data))
    labels = {outcome: words[outcome] for outcome in words}
    result = []
    for paragraph in text:
        outcome = next((o for o, label in labels.items() if paragraph.startswith(f"**{label} (")
                        or paragraph.startswith(f"**{label}**")), None)
        if outcome is None:
            if not reveals(paragraph):
                result.append(paragraph)
        elif outcome in withheld:
            result.append(withheld_sentence(f"**{labels[outcome]}**", language, k))
        else:
            result.append(paragraph)
    return result
