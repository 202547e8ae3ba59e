"""pandera for validation, imported without hypothesis: 0.4 s of CPU less per validating process.

pandera's pandas backend (registered at the first ``schema.validate``)
imports pandera's data-synthesis strategies, and those import hypothesis
when it is installed; hypothesis in turn loads every plugin registered for
it (trio's, which selenium brings). Validation never synthesises data, yet
in an environment with the test tools (``.[test]`` installs hypothesis) that
import cost every fresh process that validates (``build``, ``validate``)
0.4–0.5 s of CPU: the demo's first validation took 0.93–1.13 s against
0.56–0.80 s without it (time.process_time, issue 22).

:func:`pandera_pandas` imports that backend once with hypothesis hidden
(``sys.modules["hypothesis"] = None`` makes its import fail), so pandera
takes it as not installed, and puts ``sys.modules`` back at once: an
``import hypothesis`` afterwards works as ever (the fuzz tests use it). A
process that imported hypothesis before keeps pandera's usual behaviour.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

#: The module whose import pulls in pandera's strategies (and with them hypothesis).
_BACKEND = "pandera.backends.pandas.builtin_checks"
_LOCK = threading.Lock()


def pandera_pandas() -> ModuleType:
    """``pandera.pandas``, its pandas backend imported without hypothesis (see the module's docstring)."""
    with _LOCK:
        if _BACKEND not in sys.modules and "hypothesis" not in sys.modules:
            sys.modules["hypothesis"] = None  # type: ignore[assignment] - "import hypothesis" raises ImportError
            try:
                import pandera.backends.pandas.builtin_checks  # noqa: F401 - the import that wants hypothesis
            finally:
                sys.modules.pop("hypothesis", None)
    import pandera.pandas

    return pandera.pandas
