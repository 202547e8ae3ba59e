"""The chapters of a report, in order, and which report kinds contain them.

Computed chapters have a notebook in ``templates/notebooks/<id>.ipynb``;
text chapters are Markdown written by researchers (``templates/text/<lang>/``,
or the dataset's own ``text/<lang>/`` folder) with placeholders for live
numbers. Chapter numbers follow this order; they are never fixed in text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChapterSpec:
    id: str
    #: "notebook" (computed by a chapter notebook) or "text" (authored Markdown).
    source: str
    title: dict[str, str]
    #: Report kinds that contain this chapter.
    kinds: tuple[str, ...] = ("interim", "final")
    #: Numbered chapter (False: the summary, which precedes chapter 1).
    numbered: bool = True


CHAPTERS: tuple[ChapterSpec, ...] = (
    ChapterSpec("summary", "notebook", {"nl": "Samenvatting", "en": "Summary"}, numbered=False),
    ChapterSpec("introduction", "text", {"nl": "Inleiding", "en": "Introduction"}),
    ChapterSpec("approach", "text", {"nl": "Beschrijving van de pilot", "en": "The pilot"}),
    ChapterSpec("participants", "notebook", {"nl": "Beschrijving van de deelnemers", "en": "The participants"}),
    ChapterSpec("participation", "notebook", {"nl": "Participatie per meetmoment", "en": "Participation per wave"}),
    ChapterSpec("instruments", "notebook", {"nl": "Inzet van instrumenten", "en": "Use of instruments"}),
    ChapterSpec("barriers", "notebook", {"nl": "Ervaren belemmeringen", "en": "Experienced barriers"}),
    ChapterSpec("satisfaction", "notebook", {"nl": "Tevredenheid per instrument", "en": "Satisfaction per instrument"}),
    ChapterSpec("effects", "notebook", {"nl": "Effecten: pilot en controlegroep", "en": "Effects: pilot and control group"},
                kinds=("final",)),
    ChapterSpec("conclusions", "text", {"nl": "Conclusie en suggesties", "en": "Conclusions and suggestions"}),
)

#: Authored appendix texts (generated appendices are added by the renderer).
TEXT_APPENDICES: tuple[ChapterSpec, ...] = (
    ChapterSpec("selection", "text", {"nl": "Selectie van deelnemers", "en": "Selection of participants"}),
)

NOTEBOOK_CHAPTERS = tuple(c.id for c in CHAPTERS if c.source == "notebook")
#: Chapters whose figures come from the figure library (``via_reports.figures``).
FIGURE_CHAPTERS = ("participants", "participation", "instruments", "barriers", "satisfaction")


def chapter_spec(chapter_id: str) -> ChapterSpec:
    for spec in (*CHAPTERS, *TEXT_APPENDICES):
        if spec.id == chapter_id:
            return spec
    raise KeyError(f"unknown chapter {chapter_id!r}; chapters are {', '.join(c.id for c in CHAPTERS)}")


def chapters_for(kind: str) -> list[ChapterSpec]:
    return [c for c in CHAPTERS if kind in c.kinds]
