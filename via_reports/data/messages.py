"""Plain messages for validation, in Dutch and English.

Each message is a template filled with the violation's details. Keep them
short, say what is wrong and, where it is not obvious, how to fix it.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "file": {
        "en": "{detail}",
        "nl": "{detail}",
    },
    "missing_column": {
        "en": "required column {column} is missing",
        "nl": "verplichte kolom {column} ontbreekt",
    },
    "unknown_column": {
        "en": "unknown column {column} is ignored",
        "nl": "onbekende kolom {column} wordt genegeerd",
    },
    "no_rows": {
        "en": "the table has a header but no rows; at least one row is required",
        "nl": "de tabel heeft een kopregel maar geen rijen; minstens één rij is verplicht",
    },
    "required": {
        "en": "a value is required here",
        "nl": "hier is een waarde verplicht",
    },
    "type_integer": {
        "en": "{value!r} is not a whole number",
        "nl": "{value!r} is geen geheel getal",
    },
    "type_number": {
        "en": "{value!r} is not a number (use a dot for decimals)",
        "nl": "{value!r} is geen getal (gebruik een punt als decimaalteken)",
    },
    "type_boolean": {
        "en": "{value!r} is not yes/no: use true/false, 1/0 or ja/nee",
        "nl": "{value!r} is geen ja/nee-waarde: gebruik true/false, 1/0 of ja/nee",
    },
    "spss_missing_code": {
        "en": "(in SPSS, declare a code for 'no answer' as a missing value, or label it as the codebook does)",
        "nl": "(declareer in SPSS een code voor 'geen antwoord' als ontbrekende waarde, of label hem zoals het "
              "codeboek)",
    },
    "type_date": {
        "en": "{value!r} is not a date in the form YYYY-MM-DD",
        "nl": "{value!r} is geen datum in de vorm JJJJ-MM-DD",
    },
    "code": {
        "en": "{value!r} is not a code of the list {codes}; allowed: {allowed}",
        "nl": "{value!r} is geen code uit de lijst {codes}; toegestaan: {allowed}",
    },
    "pattern": {
        "en": "{value!r} does not have the required form {pattern}",
        "nl": "{value!r} heeft niet de vereiste vorm {pattern}",
    },
    "bsn": {
        "en": "looks like a citizen service number (BSN); use a pseudonym, never a BSN",
        "nl": "lijkt op een burgerservicenummer (BSN); gebruik een pseudoniem, nooit een BSN",
    },
    "control_character": {
        "en": "contains a control character (such as NUL or ESC) that no report can print; remove it",
        "nl": "bevat een stuurteken (zoals NUL of ESC) dat geen rapport kan afdrukken; verwijder het",
    },
    "reserved": {
        "en": "{value!r} is reserved: the reports use it themselves (e.g. for the total row); choose another code",
        "nl": "{value!r} is gereserveerd: de rapporten gebruiken het zelf (bijv. voor de totaalrij); kies een andere code",
    },
    "min": {
        "en": "{value} is below the minimum {bound}",
        "nl": "{value} is kleiner dan het minimum {bound}",
    },
    "max": {
        "en": "{value} is above the maximum {bound}",
        "nl": "{value} is groter dan het maximum {bound}",
    },
    "unique_key": {
        "en": "duplicate: the same {key} already occurs in row {other_row}",
        "nl": "dubbel: dezelfde {key} staat al in rij {other_row}",
    },
    "missing_when_false": {
        "en": "must be empty because {other_column} is false",
        "nl": "moet leeg zijn omdat {other_column} onwaar (false) is",
    },
    "within_study_period": {
        "en": "{value} lies outside the study period {start} to {end} in study.yaml",
        "nl": "{value} valt buiten de onderzoeksperiode {start} tot en met {end} uit study.yaml",
    },
    "not_before": {
        "en": "{value} is before {other_column} {other_value}",
        "nl": "{value} ligt vóór {other_column} {other_value}",
    },
    "required_together": {
        "en": "must be given exactly when {other_column} is given ({other_column} is {other_state})",
        "nl": "moet ingevuld zijn precies wanneer {other_column} is ingevuld ({other_column} is {other_state})",
    },
    "has_rows_in": {
        "en": "this participant has no row in {table}; at least one is required",
        "nl": "deze deelnemer heeft geen rij in {table}; minstens één is verplicht",
    },
    "references": {
        "en": "{key} {value} does not exist in {table}",
        "nl": "{key} {value} bestaat niet in {table}",
    },
    "declared_wave": {
        "en": "wave {value} is not declared in study.yaml (declared: {declared})",
        "nl": "meetmoment {value} staat niet in study.yaml (wel: {declared})",
    },
    "within_fieldwork": {
        "en": "{value} lies outside the fieldwork window of {wave} ({start} to {end})",
        "nl": "{value} valt buiten het veldwerk van {wave} ({start} tot en met {end})",
    },
    "before_exit": {
        "en": "a response on {value} is on or after this participant's exit_date {exit_date}",
        "nl": "een antwoord op {value} valt op of na de exit_date {exit_date} van deze deelnemer",
    },
    "requires_row_in": {
        "en": "given, but this respondent has no row in {table} for wave {wave}",
        "nl": "ingevuld, maar deze respondent heeft geen rij in {table} voor meetmoment {wave}",
    },
    "forbids_row_in": {
        "en": "a reason for non-use, but this respondent used an instrument in wave {wave} ({table})",
        "nl": "een reden voor geen gebruik, maar deze respondent gebruikte in meetmoment {wave} een instrument ({table})",
    },
    "exclusive_code": {
        "en": "{code!r} is combined with another answer for the same {within}",
        "nl": "{code!r} is gecombineerd met een ander antwoord voor dezelfde {within}",
    },
    "study": {
        "en": "{detail}",
        "nl": "{detail}",
    },
    "translation": {
        "en": "the {edition} edition needs {key}: {text} in {edition} (study.yaml gives {text} in {source} only)",
        "nl": "de editie in het {edition} heeft {key} nodig: {text} in het {edition} "
              "(study.yaml geeft {text} alleen in het {source})",
    },
}


def message(rule: str, language: str, **details: object) -> str:
    """The plain message of ``rule`` in ``language`` ('nl' or 'en')."""
    templates = MESSAGES[rule]
    return templates.get(language, templates["en"]).format(**details)
