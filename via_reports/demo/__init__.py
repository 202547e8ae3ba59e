"""The embedded synthetic demo dataset that reproduces the interim report's published numbers."""

from via_reports.demo.generator import build_demo, write_demo

__all__ = ["build_demo", "write_demo"]
