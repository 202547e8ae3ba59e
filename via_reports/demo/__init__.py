"""The embedded synthetic demo dataset that reproduces the interim report's published numbers.

``build_demo`` and ``write_demo`` are imported on first use (PEP 562), so that
reading the demo's study facts (:mod:`via_reports.demo.numbers`) loads no
pandas: the up-to-date check needs the demo's language before any heavy import.
"""

__all__ = ["build_demo", "write_demo"]


def __getattr__(name: str):
    if name in __all__:
        from via_reports.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
