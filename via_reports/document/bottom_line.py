"""The bottom line of the effects analysis, for the summary and the conclusions of the final report.

Made from the data of the effects figures (:class:`~via_reports.figures.effects_text.EffectsResults`),
so it says what the effects chapter says: outcome by outcome the adjusted
effect with its interval, or "effects smaller than X could not be detected";
where the other estimates or the sensitivity analysis give another picture;
and the caveats that apply. Texts call it through their placeholders
``effects.summary()`` and ``effects.conclusions()`` (:mod:`via_reports.document.text`).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from via_reports.analysis.formatting import join_words, whole_percent
from via_reports.figures import effects_checks as checks
from via_reports.figures.effects_public import withheld_outcomes
from via_reports.figures.effects_text import (
    MAX_ITEMS,
    SMALL_GROUP,
    EffectsResults,
    balance_items,
    disagreeing_estimators,
    found_outcomes,
    sensitivity_differs,
    unit,
)
from via_reports.figures.wording import lower_first, plural, wording


def _words(results: EffectsResults) -> dict:
    return results.words["bottom_line"]


def intro(results: EffectsResults, primary_withheld: str | None = None) -> str:
    """Who is compared, then the answer for the primary outcome (statistics v3: it is answered first).

    ``primary_withheld`` is a public edition's line naming the primary outcome as withheld: that is then
    its answer, still first.
    """
    pilot, control = results.assigned("primary")
    key = "intro_randomized" if results.randomized else "intro_not_randomized"
    text = _words(results)[key].format(pilot=pilot, control=control)
    primary = results.primary_outcome
    if primary not in results.estimates().index and not primary_withheld:
        return text
    words = checks.v3_words(results)
    item = primary_withheld or outcome_items(results)[0]  # the primary outcome's, without its label
    answer = item.split(": ", 1)[1] if ": " in item else item
    label = lower_first(results.words["outcomes"][primary])
    return f"{text} {words['primary_answer'].format(label=label)} {answer}"


def verdict(results: EffectsResults) -> str:
    """One sentence: for which outcomes an effect was demonstrated, adjusted for the starting position."""
    words = _words(results)
    outcomes = list(results.estimates().index)
    found = found_outcomes(results)
    if not found:
        return plural(words["none_found"], len(outcomes)).format(count=len(outcomes))
    if len(found) == len(outcomes):
        return words["all_found"]
    rest = len(outcomes) - len(found)
    labels = [lower_first(results.words["outcomes"][o]) for o in found]
    return plural(words["some_found"], rest).format(found=join_words(labels, results.language), count=rest)


def _ordered(results: EffectsResults):
    """The primary analysis' headline rows, the primary outcome first (statistics v3)."""
    rows = results.estimates()
    return rows.reindex(checks.primary_first(list(rows.index), results.primary_outcome)).iterrows()


def outcome_items(results: EffectsResults) -> list[str]:
    """One line per outcome, the primary first: adjusted effect, interval and verdict or minimum detectable effect."""
    words = _words(results)
    items = []
    for outcome, row in _ordered(results):
        label = checks.outcome_label(results, outcome)
        too_few = row["n_pilot"] < results.min_n or row["n_control"] < results.min_n
        if too_few or pd.isna(row["ci_low"]) or pd.isna(row["effect"]):
            items.append(words["item_no_estimate"].format(label=label, n_pilot=int(row["n_pilot"]),
                                                         n_control=int(row["n_control"])))
            continue
        key = "item_found" if checks.demonstrable(results, outcome, row) else "item_not_found"
        items.append(words[key].format(label=label, **results.values(outcome, row)))
    return items


def outcome_table(results: EffectsResults) -> str:
    """The same as :func:`outcome_items`, as a Markdown table."""
    words = _words(results)["table"]
    lines = [f"| {words['outcome']} | {words['effect']} | {words['ci']} | {words['mde']} | {words['verdict']} |",
             "| --- | ---: | ---: | ---: | --- |"]
    for outcome, row in _ordered(results):
        label = checks.outcome_label(results, outcome)
        too_few = row["n_pilot"] < results.min_n or row["n_control"] < results.min_n
        if too_few or pd.isna(row["ci_low"]) or pd.isna(row["effect"]):
            lines.append(f"| {label} | – | – | – | {words['no_estimate']} |")
            continue
        values = results.values(outcome, row)
        short = results.words["short_units"][unit(outcome)]
        verdict_word = words["found"] if checks.demonstrable(results, outcome, row) else words["not_found"]
        lines.append(f"| {label} | {values['effect']}\u00a0{short} | {values['low']}\u00a0–\u00a0{values['high']} | "
                     f"{values['mde']}\u00a0{short} | {verdict_word} |")
    return "\n".join(lines)


def disagreement(results: EffectsResults) -> str:
    """Where the other estimates or the sensitivity analysis give another picture (or that they agree)."""
    words = _words(results)
    usable = [o for o, r in results.estimates().iterrows()
              if r["n_pilot"] >= results.min_n and r["n_control"] >= results.min_n]
    differing = [o for o in usable if disagreeing_estimators(results, o) or sensitivity_differs(results, o)]
    if not differing:
        return words["agreement"]
    labels = [lower_first(results.words["outcomes"][o]) for o in differing]
    return plural(words["disagreement"], len(differing)).format(
        outcomes=join_words(labels, results.language), chapter="{chap:effects}")


def checks_v3(results: EffectsResults) -> list[str]:
    """The lottery warning, the primary outcome at the bounds, and every possible adverse development."""
    words = checks.v3_words(results)
    sentences = []
    warning = checks.lottery_warning(results)
    if warning:
        sentences.append(warning)
    elif results.warning_withheld:  # a public edition: the warning rests on a row it withholds
        sentences.append(words["warning_withheld"].format(k=results.min_cell))
    primary = results.primary_outcome
    holds = checks.bounds_hold(results, primary) if primary in results.estimates().index else None
    if holds is not None:
        low = results.estimates("primary", "bound_low").loc[primary]
        high = results.estimates("primary", "bound_high").loc[primary]
        values = {"low": results.values(primary, low)["effect"], "high": results.values(primary, high)["effect"]}
        sentences.append(words["bounds_primary_hold" if holds else "bounds_primary_fail"].format(
            t2=results.last_wave, label=lower_first(results.words["outcomes"][primary]),
            unit=results.values(primary, low)["unit"], **values))
    for outcome in checks.adverse_outcomes(results):
        row = results.estimates().loc[outcome]
        sentences.append(checks.adverse_sentence(results, outcome, row))
    return sentences


def caveats(results: EffectsResults) -> list[str]:
    """The caveats that apply, one sentence each."""
    words, language = _words(results), results.language
    t0, t2 = results.first_wave, results.last_wave
    found = []
    pilot, control = results.analysed()
    if not all(isinstance(n, int) and n >= SMALL_GROUP for n in (pilot, control)):  # words: withheld, so small
        found.append(words["caveat_small_groups"].format(pilot=pilot, control=control))
    answered = _answered_shares(results)
    if answered is not None:
        items = []
        for group in dict.fromkeys(results.nonresponse["group"]):
            rows = results.nonresponse[results.nonresponse["group"] == group]
            group_word = results.words["text"]["group_in_text"][group]
            items += [f"{item} ({group_word})" for item in
                      balance_items(results, rows, "responded", "not_responded", "{label}", 2)]
        key = "caveat_attrition" if items else "caveat_attrition_alike"
        found.append(words[key].format(t0=t0, t2=t2, items=join_words(items[:MAX_ITEMS], language), **answered))
    primary = results.baseline[results.baseline["analysis"] == "primary"]
    template = "{label} ({pilot} " + results.words["versus"] + " {control})"
    imbalanced = balance_items(results, primary, "pilot", "control", template, MAX_ITEMS)
    if imbalanced:
        found.append(words["caveat_imbalance"].format(items=join_words(imbalanced, language)))
    if results.randomized:
        not_by_lot = results.assigned("sensitivity")[0] - results.assigned("primary")[0]
        if not_by_lot:
            found.append(words["caveat_non_randomized_part"].format(count=not_by_lot))
    else:
        found.append(words["caveat_not_randomized"])
    if found_outcomes(results):
        found.append(words["caveat_multiple"].format(k=len(results.estimates())))
    if results.caseworkers:
        count = int(results.caseworkers)
        found.append(plural(results.words["text"]["caseworkers"], count).format(count=count))
    return found


def _answered_shares(results: EffectsResults) -> dict[str, str] | None:
    """'89%' per group of those who started that answered the last wave; None when everyone answered."""
    rows = results.attrition[results.attrition["wave"] == results.last_wave]
    shares, everyone = {}, True
    for group in ("pilot", "control"):
        part = rows[rows["group"] == group].set_index("measure")
        if part.empty or part.loc[["started", "responded"], "count"].isna().any():
            return None  # a public edition withheld the count
        started, responded = int(part.loc["started", "count"]), int(part.loc["responded", "count"])
        everyone &= started == responded
        shares[group] = f"{whole_percent(responded, started)}%" if started else "–"
    return None if everyone else shares


def _publishable(results: EffectsResults) -> tuple[EffectsResults, str | None, list[str]]:
    """A public edition's results without the withheld outcomes; the line naming the primary outcome as
    withheld (None when it is shown); the lines naming the withheld secondary outcomes.

    Statistics v3: the bottom line, the MDE and the caveats stay for every
    publishable outcome; a withheld outcome is named, none of its numbers;
    the primary outcome is answered first also when that answer is "withheld".
    """
    withheld = withheld_outcomes(results.outcomes)
    if not withheld:
        return results, None, []
    k = results.min_cell or 0
    words = checks.v3_words(results)
    kept = results.outcomes[~results.outcomes["outcome"].isin(withheld)]
    lines = {o: words["withheld_item"].format(label=checks.outcome_label(results, o), k=k) for o in withheld}
    primary = lines.pop(results.primary_outcome, None)
    return dataclasses.replace(results, outcomes=kept, _estimates={}), primary, list(lines.values())


def _groups_withheld(results: EffectsResults) -> str | None:
    """In a public edition whose primary analysis has a group of 1 to k−1 people: the one thing to say."""
    rows = results.baseline[(results.baseline["analysis"] == "primary")
                            & (results.baseline["characteristic"] == "female")]
    if results.min_cell is None or (len(rows) and not rows[["n_pilot", "n_control"]].isna().any(axis=None)):
        return None
    return checks.v3_words(results)["withheld_groups"].format(k=results.min_cell)


def summary(results: EffectsResults | None, language: str) -> str:
    """The bottom line for the summary: verdict, one line per outcome, disagreement, caveats."""
    if results is None:
        return wording("effects", language)["bottom_line"]["no_effects"]
    if groups_withheld := _groups_withheld(results):
        return groups_withheld
    results, primary, withheld = _publishable(results)
    words = _words(results)
    lines = [f"{intro(results, primary)} {verdict(results)} {words['per_outcome'].format(t2=results.last_wave)}",
             ""]
    lines += [f"- {item}" for item in ([primary] if primary else []) + outcome_items(results) + withheld]
    lines += ["", disagreement(results), "", *[f"{s}\n" for s in checks_v3(results)],
              f"{words['caveats_title']} {' '.join(caveats(results))}"]
    return "\n".join(lines)


def conclusions(results: EffectsResults | None, language: str) -> str:
    """The bottom line for the conclusions: verdict, a table per outcome, disagreement, caveats as a list."""
    if results is None:
        return wording("effects", language)["bottom_line"]["no_effects"]
    if groups_withheld := _groups_withheld(results):
        return groups_withheld
    results, primary, withheld = _publishable(results)
    words = _words(results)
    lines = [f"{intro(results, primary)} {verdict(results)}", "", outcome_table(results), "",
             *[f"{line}\n" for line in ([primary] if primary else []) + withheld], disagreement(results), "",
             *[f"{s}\n" for s in checks_v3(results)], words["caveats_title"], ""]
    lines += [f"- {caveat}" for caveat in caveats(results)]
    return "\n".join(lines)
