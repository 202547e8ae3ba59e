"""The effects chapter in a public edition: per outcome, never the whole chapter (statistics v3).

REPORTS.md, "Public edition, per outcome": disclosure control withholds the
cells and rows that need it, never a whole chapter's conclusions. The
bottom line, the minimum detectable effect and the caveats stay for every
outcome that can be published, and a withheld row is named as withheld.

So a row is withheld on its own cells (:func:`outcome_rows_withheld`), not
because another row of its outcome is: the complete-case estimators of one
analysis and outcome (``ancova``, ``ancova_covariates``, ``change_score``,
``ancova_ipw``) share their groups and means, so they stand or fall together;
a bound row (``bound_low``/``bound_high``) has its own shares (missing
answers filled in) and falls on them alone, or with its comparison's
complete-case rows. An outcome is withheld as a whole
(named, none of its statistics stated) only when its headline row, the
primary analysis' ``ancova``, is withheld (:func:`withheld_outcomes`); a
publishable outcome keeps its verdict, MDE and caveats, and its paragraph
names the rows withheld (``effects_public_text.public_results`` gives the chapter's text those
rows empty, with ``suppressed`` set).

The chapter's words for a public edition are made in
:mod:`via_reports.figures.effects_public_text`, which sits above this module
(it reads the public tables and the chapter's text makers, which read this one).
:func:`public_outcomes_text` filters the chapter's paragraphs under
``effects.outcomes`` (one paragraph per outcome, recognisable by its bold
label); :func:`withheld_outcomes` tells the bottom line
(:mod:`via_reports.document.bottom_line`) which outcomes to name as withheld.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from via_reports.figures.wording import wording


#: The rows that fill in missing T2 answers: their groups are everyone with the T0 value known.
BOUNDS = ("bound_low", "bound_high")


def is_withheld(row: pd.Series | dict) -> bool:
    """Whether a public edition withholds this row of ``effects.outcomes`` (never internally)."""
    flag = row.get("suppressed", False)
    return bool(flag) and not pd.isna(flag)


def withheld_outcomes(outcomes: pd.DataFrame) -> list[str]:
    """The outcomes whose headline row (primary analysis, ``ancova``) a public edition withholds.

    Empty for an internal edition. Another withheld row (a bound, the
    sensitivity analysis) leaves its outcome publishable; the text names that row.
    """
    if "suppressed" not in outcomes:
        return []
    flags = outcomes["suppressed"].astype(bool) & (outcomes["analysis"] == "primary") \
        & (outcomes["estimator"] == "ancova")
    return list(dict.fromkeys(outcomes.loc[flags, "outcome"]))


def outcome_rows_withheld(data: pd.DataFrame, own: list[bool]) -> list[bool]:
    """Per row of ``effects.outcomes``: whether a public edition withholds it, from each row's ``own`` verdict.

    A complete-case row falls with the other complete-case rows of its
    analysis and outcome (the same people and means). A bound row falls on its
    own cells, or with the complete-case rows of its analysis and outcome (it
    is an extreme of that comparison). Its n's (everyone with the T0 value
    known) are those of the outcome's row in ``effects.baseline``, so next to
    the complete-case n's they tell nothing that table does not.
    """
    data = data.reset_index(drop=True)
    bound = data["estimator"].isin(BOUNDS)
    own = pd.Series(own, dtype=bool)
    cases = {(a, o) for a, o, w in zip(data["analysis"], data["outcome"], own & ~bound) if w}
    return [bool(own[i] and bound[i]) or (a, o) in cases
            for i, (a, o) in enumerate(zip(data["analysis"], data["outcome"]))]


def withheld_sentence(label: str, language: str, k: int) -> str:
    return wording("effects_v3", language)["withheld_outcome"].format(label=label, k=k)


#: The chapter's sentences whose whole numbers count outcomes (and state k), never people: made from the
#: rows the edition shows, so the number filter that guards every other paragraph must not drop them.
_OUTCOME_COUNT_SENTENCES = (("effects", ("text", "none_found")), ("effects", ("text", "some_found")),
                            ("effects_v3", ("not_by_lot", "text", "none_found")),
                            ("effects_v3", ("not_by_lot", "text", "some_found")),
                            ("effects_v3", ("sensitivity_shown_only",)))


def _outcome_count_sentence(paragraph: str, language: str) -> bool:
    """Whether ``paragraph`` is one of :data:`_OUTCOME_COUNT_SENTENCES` (its words, any values)."""
    for topic, keys in _OUTCOME_COUNT_SENTENCES:
        template = wording(topic, language)
        for key in keys:
            template = template.get(key, {}) if isinstance(template, dict) else {}
        if isinstance(template, str):
            pattern = "".join(".+?" if part.startswith("{") else re.escape(part)
                              for part in re.split(r"(\{[a-z_]+\})", " ".join(template.split())))
            if re.fullmatch(pattern, " ".join(paragraph.split())):
                return True
    return False


def public_outcomes_text(text: list[str], data: pd.DataFrame, language: str, k: int,
                         reveals: Callable[[str], bool]) -> list[str]:
    """The paragraphs of ``effects.outcomes`` for a public edition.

    An outcome paragraph of a withheld outcome becomes the sentence naming it
    as withheld; that of a publishable outcome stays whole (its groups and
    shares are k or more people, or its row would be withheld). Any other
    paragraph stays unless ``reveals`` finds a number of 1 to k−1 people in it; the sentences that count
    outcomes (:data:`_OUTCOME_COUNT_SENTENCES`) stay: before, "for 3 of the outcomes it leaves out the
    sensitivity analysis" and "none of the 5 outcomes" were dropped as if 3 and 5 were people.
    """
    words = wording("effects", language)["outcomes"]
    withheld = set(withheld_outcomes(data))
    labels = {outcome: words[outcome] for outcome in words}
    result = []
    for paragraph in text:
        outcome = next((o for o, label in labels.items() if paragraph.startswith(f"**{label} (")
                        or paragraph.startswith(f"**{label}**")), None)
        if outcome is None:
            # "for 3 of the outcomes", "none of the 5 outcomes": a count of outcomes, not of people
            if _outcome_count_sentence(paragraph, language) or not reveals(paragraph):
                result.append(paragraph)
        elif outcome in withheld:
            result.append(withheld_sentence(f"**{labels[outcome]}**", language, k))
        else:
            result.append(paragraph)
    return result
