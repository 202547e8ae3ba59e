"""Print the figure catalogue, generated from the figures' declarations.

The generator is via_reports/chapters/figure_catalogue.py.

    .venv/bin/python scripts/figure_catalogue.py > figure-catalogue.md

Every declared figure, in report order: its id, caption, CSV columns with
their appendix headers in Dutch and English, and its public edition's rule.
A new figure appears here by its declaration alone; docs/figures.md keeps the
definitions and methods.
"""

from __future__ import annotations

import sys

from via_reports.chapters.figure_catalogue import figure_catalogue


def main() -> int:
    sys.stdout.write(figure_catalogue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
