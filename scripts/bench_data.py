"""The data the benchmark scripts build on: the demo dataset scaled up, as CSV.

Both ``benchmark.py`` and ``speed_table.py`` (which ``benchmark.py table``
runs) measure builds of a scaled demo; they import it from here, so neither
imports the other back. Run with ``scripts/`` and ``tests/`` on the path, as
``benchmark.py`` sets it.
"""

from __future__ import annotations

from pathlib import Path


def scaled_demo(folder: Path, scale: int) -> Path:
    """The demo dataset repeated ``scale`` times with distinct participant ids, as CSV."""
    import pandas as pd
    from tiny import write_dataset

    from via_reports.demo.generator import build_demo

    study, frames = build_demo()
    scaled = {}
    for table, frame in frames.items():
        if table == "instruments":
            scaled[table] = frame
            continue
        copies = []
        for k in range(scale):
            copy = frame.copy()
            copy["participant_id"] = copy["participant_id"] + f"-{k:03d}"
            copies.append(copy)
        scaled[table] = pd.concat(copies, ignore_index=True)
    study = {**study, **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in study.items()}}
    return write_dataset(folder, _plain(study), scaled)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value
