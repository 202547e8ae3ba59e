"""The words of the synthesis, in Dutch and English, by the reports' wording rules.

- "Effect" (and "aantoonbaar effect") only for a pooling of studies by lot,
  and "aantoonbaar" only where its 95 % interval excludes 0. The sensitivity
  pooling over all studies speaks of a difference corrected for the starting
  situation, which cannot show a causal effect.
- Heterogeneity is named when I² ≥ 50 % or the homogeneity test's p < 0.10,
  with the prediction interval (where k ≥ 3): the range in which the effect of
  a new pilot probably lies.
- A synthesis of fewer than five studies carries a caution.

Every value from a study (its id) is a code of the programme file
(lower-case letters, digits, ``-`` and ``_``), so it is safe in Markdown.
"""

from __future__ import annotations

import math

import pandas as pd

from via_reports.analysis.formatting import format_number, p_value_number
from via_reports.figures.wording import plural, wording
from via_reports.programme.synthesis_figures import factor_of, unit_of

#: Heterogeneity is named from this I² on ...
I2_NAMED = 0.5
#: ... or below this homogeneity p.
Q_P_NAMED = 0.10
#: Fewer studies than this: the synthesis carries a caution.
FEW_STUDIES = 5


def _value(value: float, outcome: str, language: str, signed: bool = False) -> str:
    text = format_number(value * factor_of(outcome), language, decimals=1)
    return ("+" + text) if signed and value > 0 else text


def intro(k: int, not_by_lot: list[str], missing: list[str], by_lot: int, language: str) -> str:
    words = _words(language)
    parts = [words["intro"].format(k=k)]
    if not_by_lot:
        parts.append(plural(words["not_by_lot"], len(not_by_lot)).format(studies=", ".join(not_by_lot)))
    if missing:
        parts.append(words["missing"].format(studies=", ".join(missing)))
    text = " ".join(parts)
    if by_lot < FEW_STUDIES:
        text += "\n\n**" + words["few"].format(k=by_lot) + "**"
    return text


def heterogeneity_named(i2: float, q_p: float) -> bool:
    """The rule: I² ≥ 50 % or homogeneity p < 0.10."""
    return i2 >= I2_NAMED or (not math.isnan(q_p) and q_p < Q_P_NAMED)


def outcome_text(outcome: str, pooled: pd.DataFrame, language: str) -> str:
    """What the synthesis says about one outcome (see the module)."""
    words = _words(language)
    label = wording("effects", language)["outcomes"].get(outcome, outcome)
    label_lower = label[0].lower() + label[1:] if language == "nl" else label.lower()
    unit = words["units"][unit_of(outcome)]
    rows = {row["analysis"]: row for _, row in pooled[pooled["outcome"] == outcome].iterrows()}
    primary = rows.get("primary")
    sentences = []
    if primary is None:
        sentences.append(words["none"].format(outcome=label_lower))
    elif primary["k"] == 1:
        sentences.append(words["one"].format(outcome=label_lower))
    else:
        k = int(primary["k"])
        sentences.append(words["pooled"].format(
            k=k, studies=words["study_word"][k > 1], outcome=label_lower,
            effect=f"{_value(primary['effect'], outcome, language, signed=True)} {unit}",
            low=_value(primary["ci_low"], outcome, language), high=_value(primary["ci_high"], outcome, language)))
        shown = primary["ci_low"] > 0 or primary["ci_high"] < 0
        sentences.append(words["shown"] if shown else words["not_shown"])
        i2 = format_number(round(primary["i2"] * 100), language, decimals=0)
        q_p = p_value_number(primary["q_p"], language)
        if heterogeneity_named(primary["i2"], primary["q_p"]):
            text = words["hetero"].format(i2=i2, q_p=q_p)
            if pd.notna(primary["pi_low"]):
                text += words["prediction"].format(low=_value(primary["pi_low"], outcome, language),
                                                   high=_value(primary["pi_high"], outcome, language))
            sentences.append(text)
        else:
            sentences.append(words["homo"].format(i2=i2, q_p=q_p))
    every = rows.get("all_studies")
    if every is not None and every["k"] >= 2:
        sentences.append(words["all"].format(
            k=int(every["k"]), effect=f"{_value(every['effect'], outcome, language, signed=True)} {unit}",
            low=_value(every["ci_low"], outcome, language), high=_value(every["ci_high"], outcome, language)))
    return " ".join(sentences)


def _words(language: str) -> dict:
    """This module's fixed words in ``language``, from templates/pdf/wording/programme.yaml."""
    return wording("programme", language)["synthesis_text"]
