"""The analysis layer: who is counted (populations), the scope of a report,
subgroup comparisons, the effects statistics and number formatting.

Everything here works on a validated :class:`~via_reports.data.dataset.Dataset`
and returns counts, tables and test results; nothing here draws or renders.
"""
