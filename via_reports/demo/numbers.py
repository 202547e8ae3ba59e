"""The numbers the demo dataset is built from.

What the interim report (April 2021) published about the 134 pilot
participants, as tables of counts per cell, each with a comment naming the
published numbers it yields; and the synthetic choices for what was never
published (the T2 wave, the control group, the outcomes of the final report).
The other modules of :mod:`via_reports.demo` deal these counts out to people.
"""

from __future__ import annotations

import datetime as dt

SEED = 2021
REFERENCE_DATE = dt.date(2020, 12, 31)
REFERENCE_YEAR = REFERENCE_DATE.year
STUDY_PERIOD = (dt.date(2019, 11, 1), dt.date(2021, 6, 30))
START_WINDOW = (dt.date(2019, 11, 1), dt.date(2020, 1, 31))  # when participants entered the study
FIELDWORK = {
    "T0": (dt.date(2019, 12, 15), dt.date(2020, 8, 7)),
    "T1": (dt.date(2020, 10, 15), dt.date(2021, 1, 8)),
    "T2": (dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
}
PILOT_NEIGHBOURHOOD = "Noord-Noord"
CONTROL_NEIGHBOURHOOD = "Enschede-Zuid"

# ---------------------------------------------------------------------------
# Study metadata and instrument catalogue
# ---------------------------------------------------------------------------

STUDY: dict = {
    "contract_version": 1,
    "report_language": "nl",
    "title": "Wijkgericht en intensief ondersteunen bij integratie op de arbeidsmarkt",
    "subtitle_interim": "Tussenrapport over onderzoek naar de VIA-pilot in Enschede",
    "subtitle_final": "Eindrapport over onderzoek naar de VIA-pilot in Enschede",
    "title_en": "Neighbourhood-based, intensive support for integration into the labour market",
    "subtitle_interim_en": "Interim report on the study of the VIA pilot in Enschede",
    "subtitle_final_en": "Final report on the study of the VIA pilot in Enschede",
    "pilot_name": "VIA-pilot Enschede",
    "pilot_name_en": "VIA pilot Enschede",
    "client": "Gemeente Enschede",
    "client_en": "Municipality of Enschede",
    # Synthetic data get a made-up colophon: no real person, ISBN, address or download location.
    "authors": ["A. Voorbeeld", "B. Voorbeeld"],
    "place": "Utrecht",
    "publication_date": dt.date(2021, 4, 1),
    "final_publication_date": dt.date(2021, 11, 22),
    "publisher": {"name": "via-reports demo"},
    "study_period": {"start": STUDY_PERIOD[0], "end": STUDY_PERIOD[1]},
    "reference_date": REFERENCE_DATE,
    "waves": {wave: {"fieldwork": list(window)} for wave, window in FIELDWORK.items()},
    "neighbourhood": PILOT_NEIGHBOURHOOD,
    "caseworkers": 2,  # the published report: all participants were guided by two caseworkers
    "synthetic": True,
    # follows the report's own notice that the data are synthetic: what was imitated, what invented
    "synthetic_note": "De aantallen van het tussenrapport zijn nagebootst; meting T2 en de controlegroep "
                      "zijn verzonnen.",
    "synthetic_note_en": "The numbers of the interim report are imitated; wave T2 and the control group "
                         "are invented.",
}

# (instrument, label_nl, label_en, provider). Sollicitatietraining is offered but nobody uses it,
# so that reports show an instrument with zero users.
INSTRUMENTS = [
    ("power", "Activeringscentrum Power", "Power activation centre", None),
    ("taaltraject_roc", "Taaltraject ROC", "ROC language course", "ROC van Twente"),
    ("dcw_praktijkdiagnose", "DCW praktijkdiagnose", "DCW work assessment", "DCW"),
    ("werken_aan_werk", "Werken aan werk", "Working on work", None),
    ("taalcoach", "Taalcoach", "Language coach", None),
    ("sollicitatietraining", "Sollicitatietraining", "Job application training", None),
]

# ---------------------------------------------------------------------------
# Pilot group: explicit allocation tables
# ---------------------------------------------------------------------------

AGE_GROUPS = ("<=39", "40-49", ">=50")
AGE_RANGE = {"<=39": (21, 39), "40-49": (40, 49), ">=50": (50, 64)}  # whole years on the reference date
# Column order of the count tuples in FOREIGN_BORN and NL_BORN.
CELLS = (
    ("female", "<=39"), ("male", "<=39"),
    ("female", "40-49"), ("male", "40-49"),
    ("female", ">=50"), ("male", ">=50"),
)
#                 F<=39 M<=39 F40-49 M40-49 F>=50 M>=50
FOREIGN_BORN = {  # birth country -> counts; 100 people, 61 women and 39 men
    "TR": (2, 1, 11, 3, 10, 6),  # 33 born in Turkey: 23 women, 10 men
    "MA": (4, 3, 2, 1, 1, 1),  # 12 born in Morocco, 7 aged <=39
    "IQ": (2, 1, 5, 3, 4, 4),  # 19 born in Iraq (= everyone with an Iraqi background)
    "SY": (2, 1, 4, 2, 2, 3),  # 14
    "SO": (1, 1, 2, 1, 2, 2),  # 9
    "AF": (1, 0, 2, 1, 1, 1),  # 6
    "ER": (0, 0, 1, 1, 1, 1),  # 4
    "SR": (0, 0, 0, 0, 1, 2),  # 3
}
NL_BORN = {  # parents' country (cultural background) -> counts; 34 second-generation people, 26 aged <=39
    "TR": (6, 2, 1, 1, 1, 1),  # 12: 8 women, 4 men  -> Turkish group 33 + 12 = 45 (31 women, 14 men)
    "MA": (6, 3, 1, 0, 0, 0),  # 10, 9 aged <=39    -> Moroccan group 12 + 10 = 22 (7 + 9 = 16 aged <=39)
    "SR": (5, 2, 1, 0, 0, 0),  # 8                   -> Surinamese group 11
    "SO": (1, 1, 0, 2, 0, 0),  # 4                   -> Somali group 13 (< 19, as is Syrian with 14)
}
# Column sums: women 30/30/23, men 15/15/21 per age group -> 45, 45, 44 and 83 women, 51 men.

# No education in NL (education_nl = none) per birth country and age group (<=39, 40-49, >=50):
# 5 + 22 + 32 = 59, all born abroad and mostly older; 14 of the 19 born in Iraq.
NO_NL_EDUCATION = {
    "TR": (1, 8, 11), "MA": (0, 1, 2), "IQ": (2, 5, 7), "SY": (1, 3, 4),
    "SO": (1, 2, 3), "AF": (0, 2, 2), "ER": (0, 1, 2), "SR": (0, 0, 1),
}
NO_NL_EDUCATION_DIPLOMA_VALUED = 8  # of the 59 -> 51 without a valued foreign diploma
EDUCATION_NL_BORN = {"primary": 3, "vmbo": 10, "mbo1": 5, "mbo2": 8, "mbo3_4": 5, "havo_vwo": 2, "hbo_wo": 1}
EDUCATION_FOREIGN_REST = {"primary": 11, "vmbo": 5, "mbo1": 9, "mbo2": 10, "mbo3_4": 4, "havo_vwo": 1,
                          "hbo_wo": 1}
FOREIGN_REST_DIPLOMA_VALUED = 12  # of the 41 born abroad with some education in NL
LOW_EDUCATION = {"none", "primary", "vmbo", "mbo1"}  # "mbo1 and lower"

# Prior paid work in NL: 29 of 34 NL-born, 58 of 100 born abroad (29 of 39 men, 29 of 61 women).
PRIOR_WORK = {"nl_born": 29, "foreign_male": 29, "foreign_female": 29}
# years_paid_work_nl for 86 of the 87 with prior work (whole years). Sorted, numpy's linear
# interpolation gives q1 = 3 (values 22 and 23 are both 3), median = 6.5 (values 43 and 44 are 6 and 7),
# q3 = 11, so the upper Tukey fence is 11 + 1.5 * 8 = 23: 26, 29 and 33 are the three outliers.
# Mean 701 / 86 = 8.15.
YEARS_PAID_WORK = {
    1: 8, 2: 10, 3: 9, 4: 6, 5: 6, 6: 4, 7: 5, 8: 4, 9: 4, 10: 5, 11: 5, 12: 3,
    13: 2, 14: 2, 15: 2, 16: 2, 18: 2, 20: 2, 22: 2, 26: 1, 29: 1, 33: 1,
}
YEARS_SINCE_WORK_MISSING = 3  # years_since_paid_work_nl known for 84 of the 87

# Who answered which wave (pilot, 134 people).
PILOT_MOVED_2020 = 4  # moved away during 2020: T0 only, exit_reason moved
PILOT_NO_T1 = 6  # stayed in the study but did not answer T1 (3 of them answered T2 again)
PILOT_NO_T1_BACK_AT_T2 = 3
PILOT_EXIT_2021 = {"paid_work": 5, "other": 1}  # panel members who left between T1 and T2
PILOT_NO_T2 = 6  # panel members who did not answer T2 -> 124 - 6 - 6 = 112 answer T0, T1 and T2
PILOT_RANDOMIZED = 40  # pilot participants who came in through the lottery (see assign_randomized)

# Participation among the panel (124): any of the four types at T0 and/or T1.
# both + t0_only = 54 at T0, both + t1_only = 53 at T1, both = 47.
PARTICIPATION_PATTERN = {"both": 47, "t0_only": 7, "t1_only": 6}
# Per wave: every participant gets one "primary" type, a few get a second ("extra").
# Volunteer work is the most common type at both waves and drops from 38 to 22.
PARTICIPATION_TYPES_PANEL = {
    "T0": {"primary": {"volunteer_work": 38, "education": 7, "paid_work": 6, "unpaid_work": 3},
           "extra": {"education": 3, "paid_work": 2, "unpaid_work": 3}},
    "T1": {"primary": {"volunteer_work": 22, "education": 14, "paid_work": 10, "unpaid_work": 7},
           "extra": {"education": 4, "paid_work": 2, "unpaid_work": 1}},
}

# Instruments at T1 (124 respondents): 46 users, 50 instrument rows (4 people use two).
T1_INSTRUMENT_USERS = 46
T1_INSTRUMENT_SLOTS = {"power": 22, "taaltraject_roc": 11, "dcw_praktijkdiagnose": 5, "werken_aan_werk": 6,
                       "taalcoach": 6}
# satisfaction_overall of the 46 users: half very satisfied, two thirds satisfied, one a bit dissatisfied.
T1_SATISFACTION = {5: 23, 4: 8, 3: 14, 2: 1}
# Reasons for non-use among the 78 non-users: 76 give a reason, 4 of them two (80 rows).
T1_NON_USE_GIVING_REASON = 76
T1_NON_USE_SLOTS = {"health": 42, "not_suitable": 16, "has_income": 7, "no_time": 6, "not_offered": 5,
                    "other": 4}
OTHER_REASON_TEXTS = ["wil eerst taal leren", "zorg voor familielid", "wacht op verhuizing",
                      "volgt al een cursus elders"]
OTHER_BARRIER_TEXTS = ["geen kinderopvang", "schulden", "geen rijbewijs", "weinig zelfvertrouwen"]

# Ease (1 very easy .. 5 very difficult, None = don't know) among the panel (124 per wave).
PANEL_EASE = {
    "ease_society": {"T0": {1: 3, 2: 12, 3: 30, 4: 45, 5: 30, None: 4},    # 75 difficult (60%)
                     "T1": {1: 2, 2: 8, 3: 24, 4: 50, 5: 36, None: 4}},    # 86 difficult (69%)
    "ease_paid_work": {"T0": {1: 0, 2: 2, 3: 6, 4: 40, 5: 74, None: 2},    # 114 difficult (92%)
                       "T1": {1: 0, 2: 1, 3: 5, 4: 38, 5: 78, None: 2}},   # 116 difficult (94%)
}
# Barriers among the panel, counted "ticked in society and/or work".
PANEL_NO_BARRIERS = {"T0": 3, "T1": 2}  # `none` in both domains
PANEL_BARRIERS = {
    "T0": {"medical": 92, "transport": 24, "home": 34, "language": 30, "other": 5},  # medical 74%
    "T1": {"medical": 95, "transport": 50, "home": 40, "language": 60, "other": 6},  # medical 77%
}

# T2 (pilot) instruments and reasons.
T2_INSTRUMENT_USERS = 50
T2_INSTRUMENT_SLOTS = {"power": 20, "taaltraject_roc": 14, "dcw_praktijkdiagnose": 4, "werken_aan_werk": 8,
                       "taalcoach": 7}
T2_SATISFACTION = {5: 21, 4: 14, 3: 11, 2: 2, None: 2}
T2_NON_USE_SLOTS = {"health": 30, "not_suitable": 14, "has_income": 8, "no_time": 6, "not_offered": 4,
                    "other": 3}

# Control group (68 = the 238 eligible minus the 170 selected for the pilot).
CONTROL_SIZE = 68
CONTROL_MOVED_2020 = 2
CONTROL_NO_T1 = 8  # answered T0 and T2 only
CONTROL_EXIT_2021 = {"paid_work": 2, "other": 1}
CONTROL_NO_T2 = 8  # -> 68 - 2 - 3 - 8 = 55 answer T2
