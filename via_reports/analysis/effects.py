"""The effects chapter of the final report: change from T0 to T2, pilot vs control.

For every outcome in :data:`OUTCOMES`, among the people with a value at both
the first wave of the scope (T0) and its last wave (T2)::

    change  = value(T2) − value(T0)                 per person, booleans as 0/1
    effect  = mean change(pilot) − mean change(control)

with a 95% confidence interval and p-value from Welch's t-test on the change
scores (:func:`scipy.stats.ttest_ind` with ``equal_var=False``). When the
participants carry the optional ``randomized`` column and some pilot
participants have it true, the ``primary`` analysis compares the randomized
pilot participants with the (whole) control group and the ``sensitivity``
analysis compares all pilot participants with it; without randomization there
is only a ``primary`` analysis of all pilot participants.

Exit to paid work is compared as two proportions (Fisher's exact test) and
attrition is shown per group and wave. The generated text is deliberately
cautious: a difference is only called demonstrable where the 95% interval
excludes zero, and the caveats a reader needs (small groups, attrition,
non-randomized comparison, several outcomes) are always stated.

Row-level data never leave this module: tables, charts and text carry only
counts, means and test statistics.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from via_reports.analysis.formatting import (
    format_number,
    join_words,
    p_value_text,
    percent_text,
    percent_value,
    round_half_away,
    whole_percent,
)
from via_reports.analysis.populations import PARTICIPATION_TYPES, respondent_ids
from via_reports.analysis.scope import Scope
from via_reports.data.codebook import load_codebook
from via_reports.data.dataset import Dataset
from via_reports.exceptions import ParameterError
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle, configure
from via_reports.figures.figure import Figure

__all__ = [
    "ANALYSES",
    "ATTRITION_COLUMNS",
    "EFFECTS_COLUMNS",
    "EXIT_COLUMNS",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "attrition_figure",
    "attrition_table",
    "effects_figure",
    "effects_table",
    "effects_text",
    "exit_figure",
    "exit_to_paid_work",
]

#: The outcomes of the effects analysis, in report order (stable codes).
OUTCOMES = (
    "any_participation",
    "paid_work",
    "volunteer_work",
    "ease_society_difficult",
    "ease_paid_work_difficult",
    "self_rated_health",
    "enough_social_contacts",
)
#: Outcomes measured on a scale (1–10) rather than as 0/1.
SCORE_OUTCOMES = ("self_rated_health",)

#: Display labels of the outcomes.
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "any_participation": {"nl": "Enige vorm van participatie", "en": "Any participation"},
    "paid_work": {"nl": "Betaald werk", "en": "Paid work"},
    "volunteer_work": {"nl": "Vrijwilligerswerk", "en": "Volunteer work"},
    "ease_society_difficult": {"nl": "Meedoen in de maatschappij (heel) moeilijk",
                               "en": "Taking part in society (very) difficult"},
    "ease_paid_work_difficult": {"nl": "Betaald werk vinden (heel) moeilijk",
                                 "en": "Finding paid work (very) difficult"},
    "self_rated_health": {"nl": "Ervaren gezondheid (1–10)", "en": "Self-rated health (1–10)"},
    "enough_social_contacts": {"nl": "Genoeg sociale contacten", "en": "Enough social contacts"},
}

#: The analyses: ``primary`` always; ``sensitivity`` only with randomization.
ANALYSES = ("primary", "sensitivity")

#: Columns of :func:`effects_table` (the CSV of figure ``effects.outcomes``).
EFFECTS_COLUMNS = ("analysis", "outcome", "n_pilot", "n_control", "pilot_t0", "pilot_t2",
                   "control_t0", "control_t2", "effect", "ci_low", "ci_high", "p_value")
#: Columns of :func:`attrition_table`.
ATTRITION_COLUMNS = ("group", "wave", "measure", "exit_reason", "count", "percent", "n")
#: Columns of :func:`exit_to_paid_work`.
EXIT_COLUMNS = ("analysis", "group", "count", "n", "percent", "p_value")

GROUPS = ("pilot", "control")
#: Below this many people per group (with both waves) the text calls the groups small.
SMALL_GROUP = 100
CONFIDENCE = 0.95


# ---------------------------------------------------------------------------
# Who is compared


@dataclass(frozen=True)
class Comparison:
    """One analysis: which pilot and which control participants are compared (ids stay internal)."""

    analysis: str
    pilot: frozenset[str]
    control: frozenset[str]


def _ids(people: pd.DataFrame) -> frozenset[str]:
    return frozenset(people["participant_id"].astype(str))


def randomized_pilot_ids(dataset: Dataset) -> frozenset[str]:
    """Pilot participants with ``randomized`` true (empty when the column is absent or never true)."""
    people = dataset.participants
    if "randomized" not in people.columns:
        return frozenset()
    chosen = (people["group"] == "pilot") & people["randomized"].fillna(False).astype(bool)
    return _ids(people[chosen])


def is_randomized(dataset: Dataset) -> bool:
    """True when some pilot participants were assigned by lot (primary + sensitivity analysis)."""
    return bool(randomized_pilot_ids(dataset))


def comparisons(dataset: Dataset) -> list[Comparison]:
    """The analyses of this dataset: primary (and sensitivity when randomized)."""
    people = dataset.participants
    pilot = _ids(people[people["group"] == "pilot"])
    control = _ids(people[people["group"] == "control"])
    randomized = randomized_pilot_ids(dataset)
    if randomized:
        return [Comparison("primary", randomized, control), Comparison("sensitivity", pilot, control)]
    return [Comparison("primary", pilot, control)]


def _check_scope(scope: Scope) -> tuple[str, str]:
    if scope.first_wave == scope.last_wave:
        raise ParameterError(
            f"the effects analysis compares the first and the last wave of the report, "
            f"but the scope covers only {scope.first_wave}")
    return scope.first_wave, scope.last_wave


# ---------------------------------------------------------------------------
# Outcomes and change scores


def _as_float(series: pd.Series) -> pd.Series:
    """Booleans as 0/1 and integers as floats, missing as NaN."""
    return pd.Series(series.astype("Float64").to_numpy(dtype=float, na_value=np.nan), index=series.index)


def outcome_values(responses: pd.DataFrame) -> pd.DataFrame:
    """Per response (participant_id, wave) the value of every outcome as a float (NaN = missing)."""
    any_participation = responses[PARTICIPATION_TYPES[0]].astype("boolean")
    for column in PARTICIPATION_TYPES[1:]:
        any_participation = any_participation | responses[column].astype("boolean")
    values = pd.DataFrame({
        "participant_id": responses["participant_id"].astype(str),
        "wave": responses["wave"].astype(str),
        "any_participation": _as_float(any_participation),
        "paid_work": _as_float(responses["paid_work"]),
        "volunteer_work": _as_float(responses["volunteer_work"]),
        "ease_society_difficult": _as_float(responses["ease_society"].astype("Int64") >= 4),
        "ease_paid_work_difficult": _as_float(responses["ease_paid_work"].astype("Int64") >= 4),
        "self_rated_health": _as_float(responses["self_rated_health"]),
        "enough_social_contacts": _as_float(responses["enough_social_contacts"]),
    })
    return values.reset_index(drop=True)


def _wave_values(dataset: Dataset, wave: str) -> pd.DataFrame:
    values = outcome_values(dataset.responses)
    return values[values["wave"] == wave].set_index("participant_id")[list(OUTCOMES)]


def _paired(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Person-level values at both waves: index participant_id, columns (outcome, 't0'|'t2')."""
    t0, t2 = _check_scope(scope)
    first = _wave_values(dataset, t0)
    last = _wave_values(dataset, t2)
    both = pd.concat({"t0": first, "t2": last}, axis=1, join="inner")
    return both.swaplevel(axis=1)


@dataclass(frozen=True)
class WelchResult:
    effect: float
    ci_low: float
    ci_high: float
    p_value: float


def welch(pilot_change: Sequence[float], control_change: Sequence[float]) -> WelchResult:
    """Difference in mean change with Welch's 95% interval and p (NaN with fewer than 2 per group).

    When both groups have no spread at all the t-test is undefined: the
    difference is still given, interval and p are NaN.
    """
    pilot_change = np.asarray(pilot_change, dtype=float)
    control_change = np.asarray(control_change, dtype=float)
    if len(pilot_change) < 2 or len(control_change) < 2:
        return WelchResult(math.nan, math.nan, math.nan, math.nan)
    effect = float(pilot_change.mean() - control_change.mean())
    if np.ptp(pilot_change) == 0 and np.ptp(control_change) == 0:
        return WelchResult(effect, math.nan, math.nan, math.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_ind(pilot_change, control_change, equal_var=False)
        interval = result.confidence_interval(CONFIDENCE)
    return WelchResult(effect, float(interval.low), float(interval.high), float(result.pvalue))


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan


def effects_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """The effects table (columns :data:`EFFECTS_COLUMNS`), one row per analysis and outcome.

    T0 is ``scope.first_wave``, T2 is ``scope.last_wave``. Per outcome only
    people with a value at both waves count. With fewer than 2 such people in
    a group, ``effect``, ``ci_low``, ``ci_high`` and ``p_value`` are NaN.
    """
    paired = _paired(dataset, scope)
    rows = []
    for comparison in comparisons(dataset):
        for outcome in OUTCOMES:
            values = paired[outcome].dropna()
            pilot = values[values.index.isin(comparison.pilot)]
            control = values[values.index.isin(comparison.control)]
            result = welch(pilot["t2"] - pilot["t0"], control["t2"] - control["t0"])
            rows.append({
                "analysis": comparison.analysis,
                "outcome": outcome,
                "n_pilot": len(pilot),
                "n_control": len(control),
                "pilot_t0": _mean(pilot["t0"]),
                "pilot_t2": _mean(pilot["t2"]),
                "control_t0": _mean(control["t0"]),
                "control_t2": _mean(control["t2"]),
                "effect": result.effect,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "p_value": result.p_value,
            })
    table = pd.DataFrame(rows, columns=list(EFFECTS_COLUMNS))
    table["analysis"] = table["analysis"].astype("string")
    table["outcome"] = table["outcome"].astype("string")
    table[["n_pilot", "n_control"]] = table[["n_pilot", "n_control"]].astype("int64")
    return table


def people_with_both_waves(dataset: Dataset, scope: Scope) -> dict[str, dict[str, int]]:
    """Per analysis: how many pilot and control people answered both T0 and T2."""
    t0, t2 = _check_scope(scope)
    both = respondent_ids(dataset, t0) & respondent_ids(dataset, t2)
    return {c.analysis: {"pilot": len(both & c.pilot), "control": len(both & c.control)}
            for c in comparisons(dataset)}


# ---------------------------------------------------------------------------
# Exit to paid work and attrition


def exit_to_paid_work(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Per analysis and group: participants with exit_reason = paid_work by the end of the study.

    Every participant of the group is in the denominator (``n``); ``percent``
    has one decimal; ``p_value`` is Fisher's exact test (two-sided) on the 2×2
    table pilot/control × paid work yes/no, NaN when a group is empty.
    """
    people = dataset.participants
    to_work = people["exit_reason"].fillna("") == "paid_work"
    ids_to_work = _ids(people[to_work])
    rows = []
    for comparison in comparisons(dataset):
        counts = {"pilot": (len(comparison.pilot & ids_to_work), len(comparison.pilot)),
                  "control": (len(comparison.control & ids_to_work), len(comparison.control))}
        (a, n_pilot), (c, n_control) = counts["pilot"], counts["control"]
        p_value = math.nan
        if n_pilot and n_control:
            p_value = float(stats.fisher_exact([[a, n_pilot - a], [c, n_control - c]]).pvalue)
        for group, (count, n) in counts.items():
            rows.append({"analysis": comparison.analysis, "group": group, "count": count, "n": n,
                         "percent": percent_value(count, n), "p_value": p_value})
    table = pd.DataFrame(rows, columns=list(EXIT_COLUMNS))
    table[["analysis", "group"]] = table[["analysis", "group"]].astype("string")
    return table


def _groups_present(dataset: Dataset) -> list[str]:
    present = set(dataset.participants["group"].dropna())
    return [g for g in GROUPS if g in present]


def attrition_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Response and attrition per group (present in the data) and wave of the scope.

    Tidy, zero rows included. ``measure``: ``started`` (all participants of
    the group), ``responded``, ``not_responded``, and ``left`` once per exit
    reason (``exit_reason`` filled only there): non-respondents of that wave
    who had left the study by the end of its fieldwork. The rest of
    ``not_responded`` did not answer while still in the study. ``percent`` is
    of ``n`` = started, one decimal.
    """
    people = dataset.participants.set_index("participant_id")
    reasons = list(load_codebook()["exit_reason"].codes)
    rows = []
    for group in _groups_present(dataset):
        members = people[people["group"] == group]
        n = len(members)
        for wave in scope.waves:
            responded = members.index.isin(list(respondent_ids(dataset, wave)))
            fieldwork_end = pd.Timestamp(dataset.study.wave(wave).fieldwork_end)
            left = ~responded & (members["exit_date"] <= fieldwork_end).fillna(False).to_numpy(dtype=bool)
            counts = [("started", None, n), ("responded", None, int(responded.sum())),
                      ("not_responded", None, int((~responded).sum()))]
            for reason in reasons:
                counts.append(("left", reason, int((left & (members["exit_reason"] == reason)
                                                     .fillna(False).to_numpy(dtype=bool)).sum())))
            for measure, reason, count in counts:
                rows.append({"group": group, "wave": wave, "measure": measure, "exit_reason": reason,
                             "count": count, "percent": percent_value(count, n), "n": n})
    table = pd.DataFrame(rows, columns=list(ATTRITION_COLUMNS))
    for column in ("group", "wave", "measure", "exit_reason"):
        table[column] = table[column].astype("string")
    table[["count", "n"]] = table[["count", "n"]].astype("int64")
    return table


# ---------------------------------------------------------------------------
# Words

_GROUP_WORDS = {
    "nl": {"pilot": "VIA-pilot", "control": "Controlegroep"},
    "en": {"pilot": "VIA pilot", "control": "Control group"},
}
#: Group words in "(pilot n=60, controlegroep n=50)".
_N_GROUP_WORDS = {"nl": {"pilot": "pilot", "control": "controlegroep"},
                  "en": {"pilot": "pilot", "control": "control group"}}
_ANALYSIS_LABELS = {
    "nl": {"primary_randomized": "Hoofdanalyse: door loting ingedeelde pilotdeelnemers",
           "primary": "Alle pilotdeelnemers",
           "sensitivity": "Gevoeligheidsanalyse: alle pilotdeelnemers"},
    "en": {"primary_randomized": "Primary analysis: pilot participants assigned by lot",
           "primary": "All pilot participants",
           "sensitivity": "Sensitivity analysis: all pilot participants"},
}
_UNIT = {"nl": {"binary": "procentpunt", "score": "punt"},
         "en": {"binary": "percentage points", "score": "points"}}
_MEAN_COLUMNS = (("p0", "pilot_t0"), ("p2", "pilot_t2"), ("c0", "control_t0"), ("c2", "control_t2"))

_T = {
    "nl": {
        "title": "Verandering tussen {t0} en {t2}: VIA-pilot vergeleken met de controlegroep",
        "intro": ("We vergelijken de verandering tussen {t0} en {t2} bij de pilotdeelnemers met die bij de "
                  "controlegroep, steeds onder wie beide vragenlijsten invulde: {pilot} pilotdeelnemers en "
                  "{control} mensen uit de controlegroep. Bij elk verschil in gemiddelde verandering staat "
                  "een 95%-betrouwbaarheidsinterval (Welch t-toets)."),
        "randomized": ("In de hoofdanalyse tellen van de pilotgroep alleen de {randomized} deelnemers mee "
                       "die door loting zijn ingedeeld; {not_randomized} pilotdeelnemers zijn niet door "
                       "loting ingedeeld. De gevoeligheidsanalyse neemt alle {all} pilotdeelnemers mee; "
                       "daar kunnen de groepen al bij de start van elkaar verschillen."),
        "not_randomized": ("De indeling in pilot- en controlegroep is niet door loting tot stand gekomen. "
                           "De groepen kunnen daardoor al bij {t0} van elkaar verschillen, en een verschil "
                           "in verandering is niet zonder meer aan de pilot toe te schrijven."),
        "no_control": ("De gegevens bevatten geen controlegroep. Een vergelijking tussen pilot en "
                       "controlegroep is daarom niet mogelijk, en over effecten van de pilot valt op basis "
                       "van deze gegevens niets te concluderen."),
        "no_pilot": ("De gegevens bevatten geen pilotdeelnemers. Een vergelijking tussen pilot en "
                     "controlegroep is daarom niet mogelijk."),
        "too_small": ("De vergelijking is te klein om conclusies uit te trekken: slechts {pilot} "
                      "pilotdeelnemers en {control} mensen uit de controlegroep vulden zowel {t0} als {t2} "
                      "in, terwijl er minstens {min_n} per groep nodig zijn. De cijfers in de tabel zijn "
                      "alleen ter informatie."),
        "outcome_too_few": ("**{label}**: te weinig antwoorden om iets te concluderen (pilot n={n_pilot}, "
                            "controlegroep n={n_control})."),
        "outcome_no_interval": ("**{label}**: geen aantoonbaar effect; er is geen betrouwbaarheidsinterval "
                                "te berekenen (pilot n={n_pilot}, controlegroep n={n_control})."),
        "found": ("**{label}**: aantoonbaar verschil. De verandering van {t0} naar {t2} was in de "
                  "pilotgroep {size} {unit} {direction} dan in de controlegroep "
                  "(95%-betrouwbaarheidsinterval {low} tot {high} {unit}; {p}; pilot n={n_pilot}, "
                  "controlegroep n={n_control}). {means}"),
        "higher": "hoger",
        "lower": "lager",
        "not_found": ("**{label}**: geen aantoonbaar effect. Het verschil in verandering tussen pilot- en "
                      "controlegroep is {effect} {unit}, maar het 95%-betrouwbaarheidsinterval loopt van "
                      "{low} tot {high} {unit} en omvat dus nul ({p}; pilot n={n_pilot}, controlegroep "
                      "n={n_control}). {means}"),
        "means_binary": ("Het aandeel ging in de pilotgroep van {p0}% naar {p2}%, in de controlegroep van "
                         "{c0}% naar {c2}%."),
        "means_score": ("Het gemiddelde ging in de pilotgroep van {p0} naar {p2}, in de controlegroep van "
                        "{c0} naar {c2}."),
        "sensitivity_some": ("In de gevoeligheidsanalyse met alle pilotdeelnemers ({pilot} met {t0} en "
                             "{t2}) sluit het 95%-betrouwbaarheidsinterval nul uit bij: {outcomes}."),
        "sensitivity_none": ("In de gevoeligheidsanalyse met alle pilotdeelnemers ({pilot} met {t0} en "
                             "{t2}) sluit het 95%-betrouwbaarheidsinterval bij geen enkele uitkomst nul "
                             "uit."),
        "none_found": ("Bij geen enkele uitkomst sluit het 95%-betrouwbaarheidsinterval nul uit: op basis "
                       "van deze gegevens is geen effect van de pilot aan te tonen. Dat betekent niet dat "
                       "er geen effect is; met groepen van deze omvang kunnen kleine effecten onopgemerkt "
                       "blijven."),
        "some_found": ("Een aantoonbaar verschil bij een enkele uitkomst is nog geen bewijs dat de pilot "
                       "die uitkomst verbetert: bij {k} uitkomsten kan een interval ook door toeval nul "
                       "uitsluiten."),
        "small_groups": ("De groepen zijn klein (pilot n={pilot}, controlegroep n={control} met beide "
                         "metingen), waardoor de betrouwbaarheidsintervallen breed zijn en alleen grote "
                         "verschillen aantoonbaar zijn."),
        "attrition": ("Niet iedereen vulde de {t2}-vragenlijst in: {pilot_text} {pilot_who} en "
                      "{control_text} mensen uit de controlegroep. Wie afhaakt kan verschillen van wie "
                      "blijft, en dat kan de vergelijking vertekenen."),
        "pilot_who_randomized": "door loting ingedeelde pilotdeelnemers",
        "pilot_who": "pilotdeelnemers",
        "exit": ("Uitstroom naar betaald werk tijdens het onderzoek: {pilot_text} {pilot_who} en "
                 "{control_text} mensen uit de controlegroep ({p}, Fisher's exact test): {verdict}."),
        "exit_difference": "een duidelijk verschil, al zegt dat bij zulke aantallen weinig over de oorzaak",
        "exit_no_difference": "geen duidelijk verschil",
        "no_estimate": "geen schatting",
        "alt": ("Puntdiagram met betrouwbaarheidsintervallen: per uitkomst het verschil in verandering "
                "tussen {t0} en {t2} van de pilotgroep ten opzichte van de controlegroep ({analysis}). "
                "{items}. Daaronder lijndiagrammen met per uitkomst het aandeel of gemiddelde bij {t0} en "
                "{t2} voor pilot en controlegroep."),
        "alt_item": "{label}: {effect} {unit} (95%-betrouwbaarheidsinterval {low} tot {high})",
        "x_binary": "Verschil in verandering, pilot min controle (procentpunt)",
        "x_score": "Verschil in verandering, pilot min controle (punt op schaal 1–10)",
        "means_title": "Aandeel (%) of gemiddelde per groep bij {t0} en {t2} ({analysis})",
        "value": "Aandeel (%) / gemiddelde",
        "analysis": "Analyse",
        "group": "Groep",
        "outcome": "Uitkomst",
        "wave": "Meetmoment",
        "attrition_title": "Respons en uitval per groep en meetmoment",
        "attrition_x": "Aantal deelnemers",
        "status": "Status",
        "responded": "vulde vragenlijst in",
        "no_answer": "geen antwoord, nog in het onderzoek",
        "left": "vertrokken: {reason}",
        "attrition_alt": "Gestapelde staven per groep en meetmoment: {items}.",
        "exit_title": "Uitstroom naar betaald werk per groep",
        "exit_x": "Uitstroom naar betaald werk (%)",
        "exit_alt": "Staafdiagram, uitstroom naar betaald werk: {items}.",
    },
    "en": {
        "title": "Change between {t0} and {t2}: VIA pilot compared with the control group",
        "intro": ("We compare the change between {t0} and {t2} among pilot participants with that in the "
                  "control group, each time among those who answered both questionnaires: {pilot} pilot "
                  "participants and {control} people in the control group. The difference in mean change is "
                  "given with a 95% confidence interval (Welch's t-test)."),
        "randomized": ("In the primary analysis only the {randomized} pilot participants who were assigned "
                       "by lot are included; {not_randomized} pilot participants were not assigned by lot. "
                       "The sensitivity analysis includes all {all} pilot participants; there, the groups "
                       "may already differ at the start."),
        "not_randomized": ("Participants were not assigned to the pilot and control groups by lot. The "
                           "groups may therefore already differ at {t0}, and a difference in change cannot "
                           "simply be attributed to the pilot."),
        "no_control": ("The data contain no control group. The pilot cannot be compared with a control "
                       "group, so no conclusion about effects of the pilot can be drawn from these data."),
        "no_pilot": ("The data contain no pilot participants, so the pilot cannot be compared with the "
                     "control group."),
        "too_small": ("The comparison is too small to draw conclusions from: only {pilot} pilot "
                      "participants and {control} people in the control group answered both {t0} and {t2}, "
                      "while at least {min_n} per group are needed. The numbers in the table are for "
                      "information only."),
        "outcome_too_few": ("**{label}**: too few answers to conclude anything (pilot n={n_pilot}, control "
                            "group n={n_control})."),
        "outcome_no_interval": ("**{label}**: no demonstrable effect; no confidence interval can be "
                                "computed (pilot n={n_pilot}, control group n={n_control})."),
        "found": ("**{label}**: demonstrable difference. From {t0} to {t2}, the change in the pilot group "
                  "was {size} {unit} {direction} than in the control group (95% confidence interval {low} "
                  "to {high} {unit}; {p}; pilot n={n_pilot}, control group n={n_control}). {means}"),
        "higher": "higher",
        "lower": "lower",
        "not_found": ("**{label}**: no demonstrable effect. The difference in change between the pilot and "
                      "control groups is {effect} {unit}, but the 95% confidence interval runs from {low} "
                      "to {high} {unit} and so includes zero ({p}; pilot n={n_pilot}, control group "
                      "n={n_control}). {means}"),
        "means_binary": ("The share went from {p0}% to {p2}% in the pilot group and from {c0}% to {c2}% in "
                         "the control group."),
        "means_score": ("The mean went from {p0} to {p2} in the pilot group and from {c0} to {c2} in the "
                        "control group."),
        "sensitivity_some": ("In the sensitivity analysis with all pilot participants ({pilot} with {t0} "
                             "and {t2}), the 95% confidence interval excludes zero for: {outcomes}."),
        "sensitivity_none": ("In the sensitivity analysis with all pilot participants ({pilot} with {t0} "
                             "and {t2}), the 95% confidence interval excludes zero for none of the "
                             "outcomes."),
        "none_found": ("For none of the outcomes does the 95% confidence interval exclude zero: these data "
                       "do not demonstrate an effect of the pilot. That does not mean there is no effect; "
                       "with groups of this size, small effects can go unnoticed."),
        "some_found": ("A demonstrable difference in a single outcome is not yet proof that the pilot "
                       "improves that outcome: with {k} outcomes, an interval may also exclude zero by "
                       "chance."),
        "small_groups": ("The groups are small (pilot n={pilot}, control group n={control} with both "
                         "measurements), so the confidence intervals are wide and only large differences "
                         "can be demonstrated."),
        "attrition": ("Not everyone answered the {t2} questionnaire: {pilot_text} {pilot_who} and "
                      "{control_text} people in the control group did. Those who drop out may differ from "
                      "those who stay, which can bias the comparison."),
        "pilot_who_randomized": "pilot participants assigned by lot",
        "pilot_who": "pilot participants",
        "exit": ("Exit to paid work during the study: {pilot_text} {pilot_who} and {control_text} people in "
                 "the control group ({p}, Fisher's exact test): {verdict}."),
        "exit_difference": ("a clear difference, though with numbers this small it says little about the "
                            "cause"),
        "exit_no_difference": "no clear difference",
        "no_estimate": "no estimate",
        "alt": ("Dot plot with confidence intervals: per outcome the difference in change between {t0} and "
                "{t2} of the pilot group relative to the control group ({analysis}). {items}. Below, line "
                "charts with per outcome the share or mean at {t0} and {t2} for the pilot and control "
                "groups."),
        "alt_item": "{label}: {effect} {unit} (95% confidence interval {low} to {high})",
        "x_binary": "Difference in change, pilot minus control (percentage points)",
        "x_score": "Difference in change, pilot minus control (points on a 1–10 scale)",
        "means_title": "Share (%) or mean per group at {t0} and {t2} ({analysis})",
        "value": "Share (%) / mean",
        "analysis": "Analysis",
        "group": "Group",
        "outcome": "Outcome",
        "wave": "Wave",
        "attrition_title": "Response and attrition by group and wave",
        "attrition_x": "Number of participants",
        "status": "Status",
        "responded": "answered the questionnaire",
        "no_answer": "no answer, still in the study",
        "left": "left: {reason}",
        "attrition_alt": "Stacked bars per group and wave: {items}.",
        "exit_title": "Exit to paid work by group",
        "exit_x": "Exit to paid work (%)",
        "exit_alt": "Bar chart, exit to paid work: {items}.",
    },
}


def _num(value: float, language: str, decimals: int) -> str:
    """:func:`formatting.format_number` for any float type (numpy floats included)."""
    return format_number(float(value), language, decimals)


def _p(p: float, language: str) -> str:
    """'p = 0,03' / 'p < 0,001'; '–' when there is no p-value."""
    return p_value_text(float(p), language) if pd.notna(p) else "p = –"


def _is_binary(outcome: str) -> bool:
    return outcome not in SCORE_OUTCOMES


def _scale(outcome: str) -> float:
    """Binary outcomes are shown in percent / percentage points, scores as they are."""
    return 100.0 if _is_binary(outcome) else 1.0


def _decimals(outcome: str) -> int:
    return 1 if _is_binary(outcome) else 2


def _signed(value: float, language: str, decimals: int) -> str:
    text = _num(value, language, decimals)
    return f"+{text}" if round_half_away(float(value), decimals) > 0 else text


def _excludes_zero(row: pd.Series) -> bool:
    low, high = row["ci_low"], row["ci_high"]
    return bool(pd.notna(low) and pd.notna(high) and (low > 0 or high < 0))


def analysis_label(analysis: str, randomized: bool, language: str) -> str:
    key = "primary_randomized" if analysis == "primary" and randomized else analysis
    return _ANALYSIS_LABELS[language][key]


def _means_sentence(row: pd.Series, language: str) -> str:
    t = _T[language]
    outcome = row["outcome"]
    if _is_binary(outcome):
        # A 0/1 mean is count / n: take the percentage from the count, so that it
        # rounds half away from zero like every other percentage (not 28.4999...).
        values = {}
        for key, column in _MEAN_COLUMNS:
            n = int(row["n_pilot"] if column.startswith("pilot") else row["n_control"])
            mean = row[column]
            values[key] = "–" if not n or pd.isna(mean) else str(whole_percent(round(mean * n), n))
        return t["means_binary"].format(**values)
    values = {k: _num(row[col], language, 1)
              for k, col in _MEAN_COLUMNS}
    return t["means_score"].format(**values)


def _outcome_sentence(row: pd.Series, scope: Scope) -> str:
    language = scope.language
    t = _T[language]
    outcome = row["outcome"]
    common = {"label": OUTCOME_LABELS[outcome][language], "n_pilot": int(row["n_pilot"]),
              "n_control": int(row["n_control"]), "t0": scope.first_wave, "t2": scope.last_wave}
    if row["n_pilot"] < scope.min_n or row["n_control"] < scope.min_n:
        return t["outcome_too_few"].format(**common)
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]) or pd.isna(row["effect"]):
        return t["outcome_no_interval"].format(**common)
    scale, decimals = _scale(outcome), _decimals(outcome)
    unit = _UNIT[language]["binary" if _is_binary(outcome) else "score"]
    numbers = {"unit": unit, "p": _p(row["p_value"], language), "means": _means_sentence(row, language),
               "low": _num(row["ci_low"] * scale, language, decimals),
               "high": _num(row["ci_high"] * scale, language, decimals)}
    if _excludes_zero(row):
        direction = t["higher"] if row["effect"] > 0 else t["lower"]
        size = _num(abs(row["effect"]) * scale, language, decimals)
        return t["found"].format(**common, **numbers, size=size, direction=direction)
    effect = _signed(row["effect"] * scale, language, decimals)
    return t["not_found"].format(**common, **numbers, effect=effect)


def _group_presence(dataset: Dataset) -> tuple[bool, bool]:
    groups = set(dataset.participants["group"].dropna())
    return "pilot" in groups, "control" in groups


def effects_text(dataset: Dataset, scope: Scope) -> list[str]:
    """Cautious Markdown sentences about the effects, in ``scope.language``.

    A difference is called demonstrable only where the 95% interval excludes
    zero; elsewhere the text says "geen aantoonbaar effect" / "no
    demonstrable effect" with the interval. The caveats follow: design
    (randomized or not), small groups, attrition, several outcomes; then
    exit to paid work. Without a control group (or pilot), or with fewer than
    ``scope.min_n`` people per group with both waves, the text says that no
    conclusion can be drawn and makes no statement per outcome.
    """
    language = scope.language
    t = _T[language]
    t0, t2 = _check_scope(scope)
    has_pilot, has_control = _group_presence(dataset)
    if not has_control:
        return [t["no_control"]]
    if not has_pilot:
        return [t["no_pilot"]]

    randomized = is_randomized(dataset)
    table = effects_table(dataset, scope)
    counts = people_with_both_waves(dataset, scope)
    primary_n = counts["primary"]
    sentences = [t["intro"].format(t0=t0, t2=t2, **primary_n)]
    people = dataset.participants
    n_all_pilot = int((people["group"] == "pilot").sum())
    if randomized:
        n_randomized = len(randomized_pilot_ids(dataset))
        sentences.append(t["randomized"].format(
            randomized=n_randomized, not_randomized=n_all_pilot - n_randomized, all=n_all_pilot))
    else:
        sentences.append(t["not_randomized"].format(t0=t0))

    too_small = primary_n["pilot"] < scope.min_n or primary_n["control"] < scope.min_n
    if too_small:
        sentences.append(t["too_small"].format(t0=t0, t2=t2, min_n=scope.min_n, **primary_n))
    else:
        primary = table[table["analysis"] == "primary"]
        for _, row in primary.iterrows():
            sentences.append(_outcome_sentence(row, scope))
        if randomized:
            sensitivity = table[table["analysis"] == "sensitivity"]
            usable = sensitivity[(sensitivity["n_pilot"] >= scope.min_n)
                                 & (sensitivity["n_control"] >= scope.min_n)]
            found = [OUTCOME_LABELS[r["outcome"]][language].lower() if language == "en" else
                     _lower_first(OUTCOME_LABELS[r["outcome"]][language])
                     for _, r in usable.iterrows() if _excludes_zero(r)]
            key = "sensitivity_some" if found else "sensitivity_none"
            sentences.append(t[key].format(pilot=counts["sensitivity"]["pilot"], t0=t0, t2=t2,
                                           outcomes=join_words(found, language)))
        usable = primary[(primary["n_pilot"] >= scope.min_n) & (primary["n_control"] >= scope.min_n)]
        if any(_excludes_zero(r) for _, r in usable.iterrows()):
            sentences.append(t["some_found"].format(k=len(OUTCOMES)))
        else:
            sentences.append(t["none_found"])
        if min(primary_n.values()) < SMALL_GROUP:
            sentences.append(t["small_groups"].format(**primary_n))

    sentences.append(_attrition_sentence(dataset, scope, randomized))
    sentences.append(_exit_sentence(dataset, scope, randomized))
    return sentences


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _attrition_sentence(dataset: Dataset, scope: Scope, randomized: bool) -> str:
    language = scope.language
    t = _T[language]
    primary = comparisons(dataset)[0]
    answered = respondent_ids(dataset, scope.last_wave)
    pilot_text = percent_text(len(primary.pilot & answered), len(primary.pilot), language)
    control_text = percent_text(len(primary.control & answered), len(primary.control), language)
    who = t["pilot_who_randomized"] if randomized else t["pilot_who"]
    return t["attrition"].format(t2=scope.last_wave, pilot_text=pilot_text, pilot_who=who,
                                 control_text=control_text)


def _exit_sentence(dataset: Dataset, scope: Scope, randomized: bool) -> str:
    language = scope.language
    t = _T[language]
    table = exit_to_paid_work(dataset, scope)
    primary = table[table["analysis"] == "primary"].set_index("group")
    p = primary.loc["pilot", "p_value"]
    verdict = t["exit_difference"] if (pd.notna(p) and p < scope.alpha) else t["exit_no_difference"]
    share = {g: percent_text(int(primary.loc[g, "count"]), int(primary.loc[g, "n"]), language)
             for g in GROUPS}
    return t["exit"].format(
        pilot_text=share["pilot"],
        pilot_who=t["pilot_who_randomized"] if randomized else t["pilot_who"],
        control_text=share["control"],
        p=_p(p, language),
        verdict=verdict)


# ---------------------------------------------------------------------------
# Figures


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values (no pandas NA / NaN) so the chart spec serialises cleanly."""
    return frame.astype(object).where(frame.notna(), None)


def _forest_frame(table: pd.DataFrame, randomized: bool, language: str) -> pd.DataFrame:
    rows = []
    for _, row in table.iterrows():
        outcome = row["outcome"]
        scale = _scale(outcome)
        rows.append({
            "analysis": analysis_label(row["analysis"], randomized, language),
            "outcome": OUTCOME_LABELS[outcome][language],
            "kind": "binary" if _is_binary(outcome) else "score",
            "effect": row["effect"] * scale,
            "ci_low": row["ci_low"] * scale,
            "ci_high": row["ci_high"] * scale,
            "n_pilot": int(row["n_pilot"]),
            "n_control": int(row["n_control"]),
        })
    return pd.DataFrame(rows)


def _means_frame(table: pd.DataFrame, scope: Scope, language: str) -> pd.DataFrame:
    groups = _GROUP_WORDS[language]
    rows = []
    for _, row in table[table["analysis"] == "primary"].iterrows():
        outcome = row["outcome"]
        for group in GROUPS:
            for wave, column in ((scope.first_wave, f"{group}_t0"), (scope.last_wave, f"{group}_t2")):
                rows.append({"outcome": OUTCOME_LABELS[outcome][language], "group": groups[group],
                             "wave": wave, "value": row[column] * _scale(outcome),
                             "n": int(row[f"n_{group}"])})
    return pd.DataFrame(rows)


def _forest_panel(frame: pd.DataFrame, *, title: str, analyses: list[str], outcomes: list[str],
                  style: ChartStyle) -> alt.LayerChart:
    # Not the group colours of the means chart below: a colour means one thing per figure.
    colours = [style.text_color, style.missing_color][:len(analyses)]
    y = alt.Y("outcome:N", sort=outcomes, title=None)
    y_offset = alt.YOffset("analysis:N", sort=analyses)
    colour = alt.Color("analysis:N", sort=analyses, title=None,
                       scale=alt.Scale(domain=analyses, range=colours),
                       legend=alt.Legend(labelLimit=480, columns=1))
    base = alt.Chart(_plain(frame))
    tooltip = ["outcome:N", "analysis:N", alt.Tooltip("effect:Q", format=".2f"),
               alt.Tooltip("ci_low:Q", format=".2f"), alt.Tooltip("ci_high:Q", format=".2f"),
               "n_pilot:Q", "n_control:Q"]
    interval = base.mark_rule(strokeWidth=2).encode(
        y=y, yOffset=y_offset, color=colour, x=alt.X("ci_low:Q", title=title), x2="ci_high:Q")
    point = base.mark_point(filled=True, size=60, opacity=1).encode(
        y=y, yOffset=y_offset, color=colour, x="effect:Q", tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(
        color=style.text_color, strokeDash=[4, 3]).encode(x="zero:Q")
    height = max(40, style.bar_height * len(outcomes) * max(1, len(analyses)) + 8 * len(outcomes))
    return alt.layer(zero, interval, point).properties(width=style.width, height=height)


def _effects_chart(table: pd.DataFrame, scope: Scope, randomized: bool,
                   style: ChartStyle) -> alt.TopLevelMixin:
    language = scope.language
    t = _T[language]
    forest = _forest_frame(table, randomized, language)
    analyses = [analysis_label(a, randomized, language) for a in ANALYSES if a in set(table["analysis"])]
    binary_outcomes = [OUTCOME_LABELS[o][language] for o in OUTCOMES if _is_binary(o)]
    score_outcomes = [OUTCOME_LABELS[o][language] for o in OUTCOMES if not _is_binary(o)]
    binary = _forest_panel(forest[forest["kind"] == "binary"], title=t["x_binary"], analyses=analyses,
                           outcomes=binary_outcomes, style=style)
    score = _forest_panel(forest[forest["kind"] == "score"], title=t["x_score"], analyses=analyses,
                          outcomes=score_outcomes, style=style)

    means = _means_frame(table, scope, language)
    group_labels = [_GROUP_WORDS[language][g] for g in GROUPS]
    group_colours = [style.palette[i % len(style.palette)] for i in range(len(group_labels))]
    small_multiples = []
    for outcome in OUTCOMES:
        label = OUTCOME_LABELS[outcome][language]
        small_multiples.append(alt.Chart(_plain(means[means["outcome"] == label])).mark_line(
            point=True).encode(
            x=alt.X("wave:O", sort=[scope.first_wave, scope.last_wave], title=None,
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("group:N", sort=group_labels, title=None,
                            scale=alt.Scale(domain=group_labels, range=group_colours)),
            tooltip=["group:N", "wave:O", alt.Tooltip("value:Q", format=".1f"), "n:Q"],
        ).properties(width=150, height=90, title=alt.TitleParams(label, fontSize=style.font_size - 1,
                                                                 fontWeight="normal", limit=250)))
    trend = alt.concat(*small_multiples, columns=4, title=t["means_title"].format(
        t0=scope.first_wave, t2=scope.last_wave,
        analysis=_lower_first(analysis_label("primary", randomized, language))))

    forests = alt.vconcat(binary, score).resolve_scale(x="independent")
    chart = alt.vconcat(forests, trend).resolve_scale(color="independent")
    return configure(chart, style)


def _alt_text(table: pd.DataFrame, scope: Scope, randomized: bool) -> str:
    language = scope.language
    t = _T[language]
    items = []
    for _, row in table[table["analysis"] == "primary"].iterrows():
        outcome = row["outcome"]
        label = OUTCOME_LABELS[outcome][language]
        if pd.isna(row["effect"]) or pd.isna(row["ci_low"]):
            items.append(f"{label}: {t['no_estimate']}")
            continue
        scale, decimals = _scale(outcome), _decimals(outcome)
        items.append(t["alt_item"].format(
            label=label, unit=_UNIT[language]["binary" if _is_binary(outcome) else "score"],
            effect=_signed(row["effect"] * scale, language, decimals),
            low=_num(row["ci_low"] * scale, language, decimals),
            high=_num(row["ci_high"] * scale, language, decimals)))
    return t["alt"].format(t0=scope.first_wave, t2=scope.last_wave, items="; ".join(items),
                           analysis=_lower_first(analysis_label("primary", randomized, language)))


def _appendix_table(table: pd.DataFrame, scope: Scope, randomized: bool) -> pd.DataFrame:
    language = scope.language
    t = _T[language]
    groups = _GROUP_WORDS[language]
    t0, t2 = scope.first_wave, scope.last_wave
    out = pd.DataFrame({
        t["analysis"]: [analysis_label(a, randomized, language) for a in table["analysis"]],
        t["outcome"]: [OUTCOME_LABELS[o][language] for o in table["outcome"]],
        f"n {groups['pilot']}": table["n_pilot"].to_numpy(),
        f"n {groups['control']}": table["n_control"].to_numpy(),
    })
    labels = {"pilot_t0": f"{groups['pilot']} {t0}", "pilot_t2": f"{groups['pilot']} {t2}",
              "control_t0": f"{groups['control']} {t0}", "control_t2": f"{groups['control']} {t2}",
              "effect": "effect", "ci_low": "95%-BI laag" if language == "nl" else "95% CI low",
              "ci_high": "95%-BI hoog" if language == "nl" else "95% CI high", "p_value": "p"}
    for column, label in labels.items():
        out[label] = [round_half_away(float(v), 3) if pd.notna(v) else math.nan for v in table[column]]
    return out


def effects_figure(dataset: Dataset, scope: Scope, *, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.outcomes``: forest plot of the effects plus T0/T2 means per group.

    ``data`` is :func:`effects_table`; ``n`` is the number of pilot plus
    control people in the primary analysis who answered both T0 and T2, and
    ``n_label`` states both groups. ``text`` holds :func:`effects_text`.
    Returns ``None`` when the data hold no control group (or no pilot
    participants) at all: there is nothing to compare; :func:`effects_text`
    then explains why. A comparison that is merely too small still gives a
    figure, with the "too small" sentence in ``text`` and ``notes``.
    """
    has_pilot, has_control = _group_presence(dataset)
    if not (has_pilot and has_control):
        return None
    style = style or DEFAULT_STYLE
    language = scope.language
    t = _T[language]
    randomized = is_randomized(dataset)
    table = effects_table(dataset, scope)
    counts = people_with_both_waves(dataset, scope)["primary"]
    text = effects_text(dataset, scope)
    too_small = counts["pilot"] < scope.min_n or counts["control"] < scope.min_n
    notes = [t["too_small"].format(t0=scope.first_wave, t2=scope.last_wave, min_n=scope.min_n, **counts)] \
        if too_small else []
    return Figure(
        id="effects.outcomes",
        title=t["title"].format(t0=scope.first_wave, t2=scope.last_wave),
        n=counts["pilot"] + counts["control"],
        data=table,
        chart=_effects_chart(table, scope, randomized, style),
        alt_text=_alt_text(table, scope, randomized),
        language=language,
        text=text,
        notes=notes,
        table=_appendix_table(table, scope, randomized),
        n_label=_group_n_label(counts, language),
    )


def _group_n_label(counts: dict[str, int], language: str) -> str:
    """'pilot n=134, controlegroep n=68' (only the groups in ``counts``)."""
    return ", ".join(f"{_N_GROUP_WORDS[language][g]} n={n}" for g, n in counts.items())


def attrition_figure(dataset: Dataset, scope: Scope, *, style: ChartStyle | None = None) -> Figure:
    """Figure ``effects.attrition``: response, non-response and exits per group and wave."""
    style = style or DEFAULT_STYLE
    language = scope.language
    t = _T[language]
    codebook = load_codebook()
    table = attrition_table(dataset, scope)
    statuses = [t["responded"]] + [t["left"].format(reason=codebook.label("exit_reason", r, language))
                                   for r in codebook["exit_reason"].codes] + [t["no_answer"]]
    rows = []
    for (group, wave), part in table.groupby(["group", "wave"], sort=False):
        count = dict(zip(zip(part["measure"], part["exit_reason"].fillna("")), part["count"]))
        left = {r: int(count[("left", r)]) for r in codebook["exit_reason"].codes}
        values = [int(count[("responded", "")])] + list(left.values()) + \
                 [int(count[("not_responded", "")]) - sum(left.values())]
        for order, (status, value) in enumerate(zip(statuses, values)):
            rows.append({"group": _GROUP_WORDS[language][group], "wave": wave, "status": status,
                         "count": value, "order": order})
    frame = pd.DataFrame(rows)
    group_order = [_GROUP_WORDS[language][g] for g in _groups_present(dataset)]
    colours = [style.palette[i % len(style.palette)] for i in range(len(statuses) - 1)]
    colours.append(style.missing_color)
    chart = alt.Chart(_plain(frame)).mark_bar().encode(
        y=alt.Y("wave:N", sort=list(scope.waves), title=None),
        x=alt.X("count:Q", stack="zero", title=t["attrition_x"], axis=alt.Axis(tickMinStep=1, format=",.0f")),
        color=alt.Color("status:N", sort=statuses, title=None,
                        scale=alt.Scale(domain=statuses, range=colours)),
        order=alt.Order("order:Q", sort="ascending"),
        row=alt.Row("group:N", sort=group_order, title=None),
        tooltip=["group:N", "wave:N", "status:N", "count:Q"],
    ).properties(width=style.width, height=max(style.height, 2 * style.bar_height * len(scope.waves)))
    items = []
    for _, row in frame.iterrows():
        if row["count"]:
            items.append(f"{row['group']} {row['wave']}, {row['status']}: {row['count']}")
    started = {g: int(table[(table["group"] == g) & (table["measure"] == "started")]["n"].iloc[0])
               for g in _groups_present(dataset)}
    return Figure(
        id="effects.attrition",
        title=t["attrition_title"],
        n=sum(started.values()),
        data=table,
        chart=configure(chart, style),
        alt_text=t["attrition_alt"].format(items="; ".join(items)),
        language=language,
        n_label=_group_n_label(started, language),
    )


def exit_figure(dataset: Dataset, scope: Scope, *, style: ChartStyle | None = None) -> Figure | None:
    """Figure ``effects.exit_paid_work``: share leaving for paid work per group (None without both groups)."""
    has_pilot, has_control = _group_presence(dataset)
    if not (has_pilot and has_control):
        return None
    style = style or DEFAULT_STYLE
    language = scope.language
    t = _T[language]
    randomized = is_randomized(dataset)
    table = exit_to_paid_work(dataset, scope)
    frame = pd.DataFrame({
        "analysis": [analysis_label(a, randomized, language) for a in table["analysis"]],
        "group": [_GROUP_WORDS[language][g] for g in table["group"]],
        "percent": table["percent"].to_numpy(),
        "count": table["count"].to_numpy(),
        "n": table["n"].to_numpy(),
    })
    analyses = list(dict.fromkeys(frame["analysis"]))
    group_labels = [_GROUP_WORDS[language][g] for g in GROUPS]
    colours = [style.palette[i % len(style.palette)] for i in range(len(group_labels))]
    chart = alt.Chart(_plain(frame)).mark_bar().encode(
        y=alt.Y("analysis:N", sort=analyses, title=None),
        yOffset=alt.YOffset("group:N", sort=group_labels),
        x=alt.X("percent:Q", title=t["exit_x"]),
        color=alt.Color("group:N", sort=group_labels, title=None,
                        scale=alt.Scale(domain=group_labels, range=colours)),
        tooltip=["analysis:N", "group:N", "count:Q", "n:Q", alt.Tooltip("percent:Q", format=".1f")],
    ).properties(width=style.width, height=max(style.height, style.bar_height * 2 * len(analyses) + 8))
    items = [f"{r['analysis']}, {r['group']}: {percent_text(int(r['count']), int(r['n']), language)}"
             for _, r in frame.iterrows()]
    primary = table[table["analysis"] == "primary"].set_index("group")
    counts = {g: int(primary.loc[g, "n"]) for g in GROUPS}
    return Figure(
        id="effects.exit_paid_work",
        title=t["exit_title"],
        n=sum(counts.values()),
        data=table,
        chart=configure(chart, style),
        alt_text=t["exit_alt"].format(items="; ".join(items)),
        language=language,
        text=[_exit_sentence(dataset, scope, randomized)],
        n_label=_group_n_label(counts, language),
    )
