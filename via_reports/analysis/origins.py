"""Where the pilot participants come from: per country, born there, a background there, or either.

Counting, not drawing: the origin figure (:func:`via_reports.figures.participants.origin`)
shows these counts, and the instruments chapter's comparisons split people by
the same top countries (:func:`via_reports.analysis.subgroups.top_backgrounds`),
so both read them from this layer and agree by construction.
"""

from __future__ import annotations

import pandas as pd

from via_reports.data.dataset import Dataset

#: What is counted per country.
ORIGIN_MEASURES = ("born", "background", "born_or_background")
#: How many countries the origin figure shows.
TOP_COUNTRIES = 5


def origin_counts(dataset: Dataset, people: pd.DataFrame) -> pd.DataFrame:
    """Per country (NL excluded): how many were born there, have a background there, either."""
    backgrounds = dataset.backgrounds
    backgrounds = backgrounds[backgrounds["participant_id"].isin(people.index)]
    countries = (set(people["birth_country"]) | set(backgrounds["country"])) - {"NL"}
    rows = []
    for country in sorted(countries):
        born = set(people.index[people["birth_country"] == country])
        background = set(backgrounds.loc[backgrounds["country"] == country, "participant_id"])
        rows.append(
            {
                "country": country,
                "born": len(born),
                "background": len(background),
                "born_or_background": len(born | background),
            }
        )
    return pd.DataFrame(rows, columns=["country", *ORIGIN_MEASURES])


def top_countries(counts: pd.DataFrame, top: int = TOP_COUNTRIES) -> list[str]:
    """The ``top`` countries by born-and/or-background, ties broken by country code."""
    ranked = counts.assign(order=-counts["born_or_background"]).sort_values(["order", "country"])
    return list(ranked["country"].head(top))


def tie_at_cut(counts: pd.DataFrame, top: int = TOP_COUNTRIES) -> bool:
    """True when the last country in the top ties with the first one left out."""
    ranked = sorted(counts["born_or_background"], reverse=True)
    return len(ranked) > top and ranked[top - 1] == ranked[top]
