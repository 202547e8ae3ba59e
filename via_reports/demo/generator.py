"""Deterministic synthetic demo dataset for the VIA-pilot reports.

The demo is the dataset a user gets when they give no data of their own. It
follows data contract v1 and reproduces every number the interim report
(April 2021) published about the 134 pilot participants in Enschede (Noord-Noord).
It also carries a plausible third wave (T2) and a control group of 68, so the
final report can be built from it. Nothing in it describes a real person.

How the numbers come about
--------------------------
* Everything a published number constrains is built by **explicit
  allocation**: tables of counts per cell in :mod:`.numbers`
  (``FOREIGN_BORN``, ``NL_BORN``, ``NO_NL_EDUCATION``,
  ``PARTICIPATION_PATTERN``, ...), dealt out to people by the steps in
  :mod:`.people` and :mod:`.responses`. Each step's docstring names the
  published numbers it guarantees.
* Where the report only states a direction ("men relatively more often than
  women"), the total is still fixed and it is split over subgroups in
  proportion to explicit weights (:func:`.allocation.apportion`).
* The seeded random generator (``numpy.random.default_rng(2021)``) only
  decides *which* person within a cell gets an attribute, and draws the
  attributes no published number constrains (exact birth years, dates,
  survey mode, the T2 wave, the control group, the final-report outcomes).

The tables take their columns, in order, and their types from the data
contract (``data_contracts/*.yaml``); a column the demo does not fill is
empty. Calling :func:`build_demo` twice gives identical tables;
:func:`write_demo` writes byte-identical files.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import load_contract
from via_reports.demo.allocation import ids
from via_reports.demo.numbers import INSTRUMENTS, SEED, STUDY, T1_NON_USE_GIVING_REASON, T1_NON_USE_SLOTS
from via_reports.demo.people import (
    assign_backgrounds,
    assign_control_waves,
    assign_education,
    assign_ids,
    assign_pilot_waves,
    assign_prior_work,
    assign_randomized,
    assign_work_years,
    control_people,
    pilot_people,
)
from via_reports.demo.responses import (
    add_final_report_outcomes,
    allocate_panel_barriers,
    allocate_panel_ease,
    allocate_panel_participation,
    allocate_t1_instruments,
    choose_active_at_t2,
    empty_responses,
    fill_remaining_responses,
    pilot_t2_instruments,
    record_non_use,
)
from via_reports.demo.variants import PilotVariant

__all__ = ["build_demo", "write_demo"]


def _frame(rows: list[dict], table: str, sort_by: list[str]) -> pd.DataFrame:
    """Build one contract table: the contract's columns in its order, sorted rows, booleans as
    Python bool / None, integers as nullable Int64, numbers as float, dates as ISO strings."""
    contract = load_contract(table)
    columns = list(contract.columns)
    records = []
    for row in rows:
        record = {}
        for column in columns:
            value = row.get(column)
            if isinstance(value, dt.date):
                value = value.isoformat()
            record[column] = value
        records.append(record)
    codebook = load_codebook()
    code_order = {"barrier": codebook["barrier"].codes, "domain": codebook["barrier_domain"].codes,
                  "reason": codebook["non_use_reason"].codes, "instrument": [i[0] for i in INSTRUMENTS]}
    records.sort(key=lambda r: tuple(code_order[c].index(r[c]) if c in code_order else r[c] for c in sort_by))
    frame = pd.DataFrame(records, columns=columns)
    for column in columns:
        kind = contract.columns[column].type
        if kind == "boolean":
            frame[column] = pd.Series([r[column] for r in records], dtype=object)
        elif kind == "integer":
            frame[column] = frame[column].astype("Int64")
        elif kind == "number":
            frame[column] = frame[column].astype(float)
    return frame


def build_demo(variant: PilotVariant | None = None) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Build the synthetic demo study: ``(study metadata, {table name: DataFrame})``.

    The metadata dict is what ``write_demo`` writes as study.yaml (dates as
    ``datetime.date``). The seven tables use the contract's column names and
    codes; booleans are Python bool (None when missing), dates ISO strings.

    ``variant``: one pilot of a demo programme (:mod:`.variants`) instead of the
    Enschede demo: the same steps with its own seed, control group size and
    true effect, then resized to its number of pilot participants and given its
    municipality and design.
    """
    rng = np.random.default_rng(SEED if variant is None else variant.seed)

    pilot = pilot_people(rng)
    assign_ids(rng, pilot, "P")
    assign_education(rng, pilot)
    assign_prior_work(rng, pilot)
    assign_work_years(rng, pilot)
    assign_backgrounds(rng, pilot)
    panel = assign_pilot_waves(rng, pilot)
    assign_randomized(rng, pilot)

    control = control_people(rng, pilot) if variant is None else control_people(rng, pilot, variant.control_size)
    assign_control_waves(rng, control)
    people = pilot + control

    barriers: list[dict] = []
    instrument_use: list[dict] = []
    non_use: list[dict] = []
    responses = empty_responses(rng, people)

    # The published numbers: panel (124) at T0 and T1.
    allocate_panel_participation(rng, panel, responses)
    t1_users = allocate_t1_instruments(rng, panel, responses, instrument_use)
    t1_non_users = [p for p in panel if p["participant_id"] not in ids(t1_users)]
    record_non_use(rng, t1_non_users, "T1", T1_NON_USE_GIVING_REASON, T1_NON_USE_SLOTS, non_use)
    allocate_panel_ease(rng, panel, responses, t1_users)
    allocate_panel_barriers(rng, panel, barriers, t1_users)
    done = {(p["participant_id"], w) for p in panel for w in ("T0", "T1")}

    # Not published: the rest of the pilot, T2, and the control group.
    fill_remaining_responses(rng, people, responses, done, barriers, waves=("T0", "T1"))
    active_at_t2 = choose_active_at_t2(rng, people, responses,
                                       None if variant is None else variant.active_share())
    fill_remaining_responses(rng, people, responses, done, barriers, waves=("T2",),
                             active_at_t2=active_at_t2)
    pilot_t2_instruments(rng, pilot, responses, t1_users, instrument_use, non_use)
    add_final_report_outcomes(rng, people, responses)

    backgrounds = [{"participant_id": p["participant_id"], "country": country}
                   for p in people for country in p["_backgrounds"]]
    tables = {
        "participants": _frame(people, "participants", ["participant_id"]),
        "backgrounds": _frame(backgrounds, "backgrounds", ["participant_id", "country"]),
        "responses": _frame(list(responses.values()), "responses", ["participant_id", "wave"]),
        "barriers": _frame(barriers, "barriers", ["participant_id", "wave", "domain", "barrier"]),
        "instrument_use": _frame(instrument_use, "instrument_use", ["participant_id", "wave", "instrument"]),
        "non_use_reasons": _frame(non_use, "non_use_reasons", ["participant_id", "wave", "reason"]),
        "instruments": _frame([dict(zip(load_contract("instruments").columns, i)) for i in INSTRUMENTS],
                              "instruments", ["instrument"]),
    }
    if variant is not None:
        return variant.study(_copy_study()), variant.resized(rng, tables)
    return _copy_study(), tables


def _copy_study() -> dict:
    return copy.deepcopy(STUDY)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def _csv_cell(value: object) -> str:
    """Contract CSV formatting: empty = missing, booleans true/false, whole numbers without '.0'."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_demo(out_dir: Path, variant: PilotVariant | None = None) -> Path:
    """Write the demo dataset (study.yaml + one CSV per table) into ``out_dir`` and return it.

    The folder is created when needed; an existing folder that is not empty is
    never touched (FileExistsError). Two calls give byte-identical files.
    ``variant``: one pilot of a demo programme instead (see :func:`build_demo`).
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(
                f"{out_dir} exists and is not a folder; choose an empty or new folder for the demo"
            )
        if any(out_dir.iterdir()):
            raise FileExistsError(
                f"{out_dir} is not empty; the demo dataset is only written into an empty or new folder, "
                "so no existing data is overwritten"
            )
    study, tables = build_demo(variant)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "study.yaml", "w", encoding="utf-8", newline="\n") as handle:
        handle.write("# Synthetic demo dataset generated by via_reports.demo.generator - no real persons.\n")
        yaml.safe_dump(study, handle, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    for name, frame in tables.items():
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(frame.columns)
            for row in frame.itertuples(index=False, name=None):
                writer.writerow([_csv_cell(v) for v in row])
    return out_dir
