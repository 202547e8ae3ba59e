"""Shared fixtures: the tiny dataset written to disk in any format."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tiny import tiny_tables, write_dataset  # noqa: E402


@pytest.fixture
def tiny():
    """Fresh (study, frames) of the tiny dataset, to modify in a test."""
    return tiny_tables()


@pytest.fixture
def tiny_dir(tmp_path):
    """The tiny dataset as a CSV folder."""
    return write_dataset(tmp_path / "tiny", *tiny_tables())


@pytest.fixture
def write(tmp_path):
    """write(study, frames, fmt='csv') -> folder: writes a dataset variant."""
    counter = iter(range(10_000))

    def _write(study, frames, fmt="csv"):
        return write_dataset(tmp_path / f"dataset{next(counter)}", study, frames, fmt)

    return _write
