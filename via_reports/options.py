"""The options of a report and their defaults, in one place.

The command line (``via-reports build``), the Python API
(:class:`via_reports.report.build.BuildOptions`) and the chapter notebooks'
parameters cell (:data:`via_reports.chapters.registry.NOTEBOOK_PARAMETERS`)
all take their defaults from :data:`DEFAULT_OPTIONS`. ``None`` means "decided
by the data": the last answered wave, the study's language, the report kind
that wave implies (see :meth:`via_reports.analysis.scope.Scope.for_wave`).
"""

from __future__ import annotations

from typing import Any

#: The report languages, the first is the default where no study says otherwise.
LANGUAGES = ("nl", "en")
#: The report kinds: an interim report, and the final report with the effects chapter.
KINDS = ("interim", "final")

DEFAULT_OPTIONS: dict[str, Any] = {
    #: The last wave the report covers; None: the last wave anybody answered.
    "wave": None,
    #: "interim" or "final"; None: final when the wave is the study's last and a control group exists.
    "kind": None,
    #: "nl" or "en"; None: the language study.yaml declares.
    "language": None,
    #: A theme under templates/pdf/themes, or a theme folder.
    "theme": "default",
    #: Instruments with fewer users in the last wave get no satisfaction figure of their own.
    "min_n": 10,
    #: Significance threshold of the statistical tests behind the sentences.
    "alpha": 0.05,
    #: Chapter notebooks run in parallel.
    "jobs": 2,
}
