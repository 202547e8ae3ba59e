"""``via-reports demo-programme``: synthetic pilots of a programme and their programme.yaml.

Each pilot is the demo generator run with other parameters
(:mod:`via_reports.demo.variants`): a made-up municipality, 60-250 pilot
participants, its own control group, its own true effect, and one pilot not
assigned by lot. Each is written like ``via-reports demo-data`` writes the
demo, and validated.
"""

from __future__ import annotations

from pathlib import Path

#: The editions of the demo programme: 4 per study, so 6 studies make 24 reports.
DEFAULT_EDITIONS = ("{wave: T1}", "{wave: T2}", "{wave: T2, language: en}", "{wave: T2, public: true}")
#: How many studies a demo programme has unless told.
DEFAULT_STUDIES = 6


def programme_text(study_ids: list[str], editions: tuple[str, ...] = DEFAULT_EDITIONS,
                   title: str = "VIA – intensieve begeleiding (synthetisch demoprogramma)") -> str:
    """The programme.yaml of ``study_ids`` (each in a folder of that name next to it)."""
    lines = ["# A programme of synthetic pilots (via-reports demo-programme): no real persons.",
             "# via-reports batch programme.yaml --out DIR builds every study x edition and the synthesis.",
             f"title: {title}",
             "authors: [A. Voorbeeld, B. Voorbeeld]     # made up, as the demo study's",
             "place: Utrecht",
             "studies:"]
    lines += [f"  - {{id: {study_id}, data: {study_id}}}" for study_id in study_ids]
    lines += ["editions:                 # built for every study"]
    lines += [f"  - {edition}" for edition in editions]
    lines += ["synthesis: {outcomes: all, analysis: primary}", ""]
    return "\n".join(lines)


def write_demo_programme(folder: Path, studies: int = DEFAULT_STUDIES,
                         editions: tuple[str, ...] = DEFAULT_EDITIONS) -> list[Path]:
    """Write ``studies`` synthetic datasets and programme.yaml into the new or empty ``folder``.

    Returns the dataset folders. FileExistsError when ``folder`` is not empty
    (nothing is overwritten); ValueError for a number of studies out of range;
    RuntimeError when a dataset fails its contract (a bug of the generator).
    """
    from via_reports.data.dataset import validate_folder
    from via_reports.demo.generator import write_demo
    from via_reports.demo.variants import programme_variants

    variants = programme_variants(studies)  # a wrong number: before anything is written
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder} exists and is not an empty folder; the demo programme is only "
                              "written into an empty or new folder")
    written = []
    for variant in variants:
        target = write_demo(folder / variant.study_id, variant)
        result = validate_folder(target)
        if not result.ok:
            raise RuntimeError(f"the demo generator wrote invalid data for {variant.study_id}: "
                               f"{result.violations[0].message}")
        written.append(target)
    (folder / "programme.yaml").write_text(programme_text([v.study_id for v in variants], editions),
                                           encoding="utf-8")
    return written
