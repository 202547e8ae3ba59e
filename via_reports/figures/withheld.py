"""What a public edition says where it withholds a number: the notes and sentences, in both languages.

Kept apart from :mod:`via_reports.figures.public` (which decides *what* is
withheld) because both the public figures and the public box plots
(:mod:`via_reports.figures.public_box`) say it, and the box plots are
imported by the public figures: words of their own keep the imports one-way.
"""

from __future__ import annotations

#: The note under every figure of a public edition in which something is withheld.
WITHHELD_NOTE = {
    "nl": "{marker} = niet getoond: minder dan {k} personen, of een aantal waaruit zo'n klein aantal "
          "te herleiden is (openbare editie).",
    "en": "{marker} = not shown: fewer than {k} people, or a number from which such a small number "
          "could be worked out (public edition).",
}
#: What replaces a figure's generated sentences when a number in them is withheld.
WITHHELD_TEXT = {
    "nl": "In deze openbare editie zijn niet alle aantallen van deze figuur getoond; zie de tabel in de bijlage.",
    "en": "In this public edition not every number of this figure is shown; see the table in the appendix.",
}
#: The note under a figure of fewer than k people (a box plot, a table withheld as a whole).
WITHHELD_FIGURE = {
    "nl": "Deze figuur gaat over minder dan {k} personen en wordt in de openbare editie niet getoond.",
    "en": "This figure is about fewer than {k} people and is not shown in the public edition.",
}

#: What ``change()`` says when a public edition withholds the test (a cell of 1 to k−1 people).
WITHHELD_CHANGE = {
    "nl": "De toets van deze verandering is in de openbare editie niet vermeld (een aantal onder {k}).",
    "en": "The test of this change is not reported in the public edition (a number below {k}).",
}

#: What ``effects_bottom_line()`` and ``effects_conclusions()`` say when a public edition withholds effects.
WITHHELD_EFFECTS = {
    "nl": "In deze openbare editie zijn niet alle uitkomsten van de effectanalyse getoond, omdat een groep of "
          "een uitkomst minder dan {k} personen telt; de tabellen van het hoofdstuk over effecten tonen wat "
          "getoond kan worden.",
    "en": "In this public edition not every result of the effects analysis is shown, because a group or an "
          "outcome counts fewer than {k} people; the tables of the chapter on effects show what can be shown.",
}
