"""Validation imports pandera's backend without hypothesis (issue 22: 0.4 s of CPU per validating process).

Each case runs in a fresh interpreter: which modules a process has imported
is the thing under test, and this test process has imported both already.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("hypothesis") is None,
                                reason="hypothesis is not installed: nothing to leave out")


def run(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_a_validation_leaves_hypothesis_unimported_and_importable_afterwards():
    imported, has_hypothesis, importable = run(
        "import sys\n"
        "from via_reports.data.dataset import validate_folder\n"
        "assert validate_folder(None).ok\n"
        "imported = 'hypothesis' in sys.modules\n"
        "from pandera.strategies.base_strategies import HAS_HYPOTHESIS\n"
        "import hypothesis.strategies\n"
        "print(imported, HAS_HYPOTHESIS, hypothesis.strategies.integers().example() is not None)\n")
    assert (imported, has_hypothesis, importable) == ("False", "False", "True")


def test_the_backend_still_finds_every_failure_without_hypothesis():
    failures = run(
        "import pandas as pd\n"
        "from via_reports.data.pandera_import import pandera_pandas\n"
        "pa = pandera_pandas()\n"
        "schema = pa.DataFrameSchema({'a': pa.Column(checks=[pa.Check(lambda s: s > 0, name='positive')])})\n"
        "try:\n"
        "    schema.validate(pd.DataFrame({'a': [1, -2, 3, -4]}), lazy=True)\n"
        "except pa.errors.SchemaErrors as errors:\n"
        "    print(*errors.failure_cases['index'].tolist())\n")
    assert failures == ["1", "3"]


def test_a_process_that_imported_hypothesis_first_keeps_pandera_as_it_is():
    has_hypothesis, = run(
        "import hypothesis\n"
        "from via_reports.data.pandera_import import pandera_pandas\n"
        "pandera_pandas()\n"
        "from pandera.strategies.base_strategies import HAS_HYPOTHESIS\n"
        "print(HAS_HYPOTHESIS)\n")
    assert has_hypothesis == "True"
