"""The programme level: many studies at once (``via-reports batch`` on Dask) and a synthesis across them.

The top layer: it calls the same :func:`~via_reports.report.build.build_report`
a user calls, and nothing below it imports it (docs/architecture.md).
"""
