"""``via-reports init FOLDER``: a new study's folder, ready to fill in.

What it writes, all of it meant to be edited:

* ``study.yaml``: every field of ``data_contracts/study.schema.yaml`` with a
  comment saying what it is for; the required ones are left empty, so
  ``via-reports validate`` names each one still to fill in;
* one CSV per table with its header row only (the columns of
  ``data_contracts/<table>.yaml``, in order);
* ``report.yaml``: the build options of the study (see
  ``data_contracts/report.schema.yaml``), with the chosen language and theme;
* ``text/<lang>/``: the chapter texts of the package, to adapt (a dataset's own
  text replaces the package's; see :func:`via_reports.document.text.text_path`);
* ``theme/``: a copy of a shipped theme, to give the study its own look.

The folder is made next to where it will stand and renamed into place when
complete, so a failed ``init`` leaves nothing behind; an existing folder is
never written into.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from via_reports.data.contracts import load_contracts
from via_reports.exceptions import ParameterError
from via_reports.files import current_umask
from via_reports.options import REPORT_FILE, available_themes, check_options
from via_reports.resources import templates_dir, themes_dir

#: Where the copied theme goes inside the study folder (report.yaml names it).
THEME_FOLDER = "theme"

REPORT_YAML = """\
# report.yaml: how this study's reports are built. Each option may be left out;
# `via-reports build --option VALUE` (or build_report(option=...)) overrides it.
# The rules: data_contracts/report.schema.yaml (shipped with via-reports).

# Language of the reports: nl or en.
language: {language}
# The look: default, neutral, or a theme folder inside this folder.
theme: {theme}
# Instruments with fewer users in the last wave get no satisfaction figure of their own.
min_n: 10
# Significance threshold of the statistical tests behind the sentences.
alpha: 0.05
# The last wave a report covers (T0, T1 or T2) and its kind (interim or final);
# left out, the last wave anybody answered and the kind that wave implies.
# wave: T1
# kind: interim
# A public edition, to publish: every count from 1 to min_cell - 1 withheld, also where
# totals would give it away (study.yaml's public: true makes every edition public).
# public: true
# min_cell: 5
"""


def _write_tables(folder: Path) -> list[Path]:
    written = []
    for table, contract in load_contracts().items():
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow(list(contract.columns))
        written.append(path)
    return written


def scaffold_study(folder: str | Path, *, language: str = "nl", theme: str = "default") -> list[Path]:
    """Create ``folder`` with a new study to fill in; return the files written (inside ``folder``).

    ``language`` (nl or en) is the study's report language and the language of
    the copied texts; ``theme`` the shipped theme to copy. A folder that exists
    (also an empty one, or a link) is a :class:`ParameterError`.
    """
    check_options({"language": language})
    if theme not in available_themes():
        raise ParameterError(f"theme {theme!r} is not a shipped theme; choose {' or '.join(available_themes())}")
    folder = Path(folder)
    if folder.exists() or folder.is_symlink():
        raise ParameterError(f"{folder} exists already: init makes a new folder, choose another name")
    if not folder.parent.is_dir():
        raise ParameterError(f"{folder.parent} does not exist: create it first, or choose another place")

    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.init-", dir=folder.parent))
    try:
        study = (templates_dir() / "scaffold" / "study.yaml").read_text(encoding="utf-8")
        (staging / "study.yaml").write_text(study.replace("{language}", language), encoding="utf-8")
        _write_tables(staging)
        (staging / REPORT_FILE).write_text(REPORT_YAML.format(language=language, theme=THEME_FOLDER),
                                           encoding="utf-8")
        shutil.copytree(templates_dir() / "text" / language, staging / "text" / language, symlinks=True)
        shutil.copytree(themes_dir() / theme, staging / THEME_FOLDER, symlinks=True)
        staging.chmod(0o777 & ~current_umask())  # mkdtemp made it private
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(path for path in folder.rglob("*") if path.is_file())
