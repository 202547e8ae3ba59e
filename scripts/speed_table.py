"""The speed table of issue 11, every number measured in one run (``scripts/benchmark.py table``).

Every build is the command line a researcher types (``.venv/bin/via-reports
build ...``), timed from the shell's point of view: wall clock from start to
exit, Python's start-up and imports included. Cold builds get an empty cache
folder (``XDG_CACHE_HOME``); the others reuse the cache of the build before.

The *floor* is the work no build can avoid, done in one fresh Python
process: importing the stack, converting the report's charts with vl-convert
and laying out a PDF of the same pages with WeasyPrint. Its inputs (the chart
specs and the page HTML of the cold build's report) are prepared beforehand.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIA_REPORTS = Path(sys.executable).parent / "via-reports"

#: The floor, run in a fresh interpreter: argv = specs.json page.html theme-folder language.
FLOOR = """
import json, sys, time
started = time.perf_counter()
import pandas, altair, scipy.stats, statsmodels.api, vl_convert as vlc, weasyprint
import via_reports.chapters.notebook, via_reports.render
specs = json.loads(open(sys.argv[1], encoding="utf-8").read())
for folder in json.loads(sys.argv[5]):
    vlc.register_font_directory(folder)
locale = "nl-NL" if sys.argv[4] == "nl" else "en-GB"
for spec in specs:
    vlc.vegalite_to_svg(spec, format_locale=locale)
html = open(sys.argv[2], encoding="utf-8").read()
weasyprint.HTML(string=html, base_url=sys.argv[3]).write_pdf(pdf_variant="pdf/ua-1")
print(time.perf_counter() - started)
"""


class BuildFailed(RuntimeError):
    """One of the table's builds failed: the table is printed up to it, and says so."""


def _build(data: Path, out: Path, wave: str, jobs: int, env: dict[str, str], *extra: str) -> tuple[float, int]:
    """Wall seconds of one `via-reports build` and the peak resident memory of its process tree (bytes)."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen([str(VIA_REPORTS), "build", str(data), "--wave", wave, "--out", str(out),
                                "--jobs", str(jobs), "--quiet", *extra], env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = process.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if status != 0:
        raise BuildFailed(f"the build of {data.name} failed with exit status {status}")
    return seconds, peak


def _floor_inputs(data: Path, wave: str, folder: Path, cache: Path) -> list[str]:
    """The chart specs and page HTML of the report of ``data``, and the theme: the floor's inputs."""
    from via_reports.render import build_html
    from via_reports.report import build
    from via_reports.theme.themes import load_theme

    captured = {}
    original = build._render

    def capture(document, theme, *rest):
        captured["document"], captured["theme"] = document, theme
        original(document, theme, *rest)

    build._render = capture
    try:
        build.build_report(build.BuildOptions(data_dir=data, out=folder / "report", wave=wave, force=True,
                                              cache_dir=cache))
    finally:
        build._render = original
    document, theme = captured["document"], load_theme(captured["theme"])
    specs = [figure.chart.to_dict() for figure in document.figures()]
    (folder / "specs.json").write_text(json.dumps(specs), encoding="utf-8")
    (folder / "page.html").write_text(build_html(document, theme, mode="pdf"), encoding="utf-8")
    fonts = json.dumps(sorted({str(f.directory) for f in theme.font_families}))
    return [str(folder / "specs.json"), str(folder / "page.html"), theme.folder.as_uri() + "/",
            document.language, fonts]


def _scaled(folder: Path, scale: int) -> Path:
    from bench_data import scaled_demo

    return scaled_demo(folder, scale)


def _with_line(data: Path, line: str) -> None:
    """The dataset's own conclusions: ours with one more line."""
    own = data / "text" / "nl"
    own.mkdir(parents=True, exist_ok=True)
    ours = (ROOT / "templates" / "text" / "nl" / "conclusions.md").read_text(encoding="utf-8")
    (own / "conclusions.md").write_text(ours + f"\n{line}\n", encoding="utf-8")


def _pdf_has(out: Path, line: str) -> bool:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(str(out / "report.pdf")).pages)
    return line in " ".join(text.split())


def speed_table(wave: str = "T1", jobs: int = 2, million: bool = True) -> None:
    """Measure the table (with the 1e6-row build unless ``million`` is False) and print it."""
    load_before = os.getloadavg()
    rows: list[tuple[str, str, str]] = []
    try:
        _measure_table(rows, wave, jobs, million)
    except BuildFailed as failed:
        rows.append(("STOPPED", "", f"{failed}; the measures after it were not taken"))
        _print_table(rows, wave, jobs, load_before)
        raise SystemExit(1)
    _print_table(rows, wave, jobs, load_before)


def _measure_table(rows: list[tuple[str, str, str]], wave: str, jobs: int, million: bool) -> None:
    """The table's measures, appended to ``rows`` as they are taken."""
    import nbformat

    from via_reports.demo.generator import write_demo

    with tempfile.TemporaryDirectory(prefix="via-bench-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
        data = write_demo(tmp / "demo")
        out = tmp / "out" / "report"

        cold, _ = _build(data, out, wave, jobs, env)
        inputs = _floor_inputs(data, wave, tmp, tmp / "cache" / "via-reports")  # from the cache, untimed
        script = tmp / "floor.py"
        script.write_text(FLOOR, encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, str(script), *inputs], check=True, capture_output=True)
        floor = time.perf_counter() - started
        rows += [("in-process floor (imports, vl-convert, WeasyPrint)", f"{floor:.1f} s", ""),
                 ("cold build (empty cache)", f"{cold:.1f} s", ""),
                 ("cold build / floor", f"{cold / floor:.2f}x", "target <= 1.5x")]

        unchanged = sorted(_build(data, out, wave, jobs, env)[0] for _ in range(3))
        rows.append(("unchanged rebuild", f"{unchanged[1]:.2f} s", f"median of 3; target <= 1 s"))

        line = "Een zin die er pas bij is."
        _with_line(data, line)
        edited, _ = _build(data, out, wave, jobs, env)
        rows.append(("one-line text edit", f"{edited:.1f} s",
                     f"edit in the PDF: {'yes' if _pdf_has(out, line) else 'NO'}; target <= 3 s"))

        templates = tmp / "templates"
        shutil.copytree(ROOT / "templates", templates)
        notebook = templates / "notebooks" / "barriers.ipynb"
        content = nbformat.read(notebook, as_version=4)
        content.cells.append(nbformat.v4.new_markdown_cell("Een extra opmerking."))  # with a cell id
        nbformat.write(content, notebook)
        changed, _ = _build(data, out, wave, jobs, {**env, "VIA_REPORTS_TEMPLATES": str(templates)})
        rows.append(("one chapter changed (its notebook)", f"{changed:.1f} s", "the other chapters from the cache"))

        big = _scaled(tmp / "x100", 100)
        participants = sum(1 for _ in open(big / "participants.csv", encoding="utf-8")) - 1
        scaled, peak = _build(big, tmp / "out100" / "report", wave, jobs,
                              {**env, "XDG_CACHE_HOME": str(tmp / "cache100")})
        rows.append((f"100x data ({participants:,} participants), cold", f"{scaled:.1f} s",
                     f"{scaled / cold:.2f}x the 1x cold build (target <= 2x); peak RSS {peak / 2**30:.2f} GB"))

        if million:
            rows.append(_million_row(tmp, wave, jobs, env))


def _million_row(tmp: Path, wave: str, jobs: int, env: dict[str, str]) -> tuple[str, str, str]:
    """A cold build of the demo copied to a million response rows: wall time and peak memory."""
    copies = math.ceil(1_000_000 / 554)  # the demo has 554 response rows
    huge = _scaled(tmp / "x1e6", copies)
    responses = sum(1 for _ in open(huge / "responses.csv", encoding="utf-8")) - 1
    seconds, peak = _build(huge, tmp / "out1e6" / "report", wave, jobs, {**env, "XDG_CACHE_HOME": str(tmp / "cache1e6")})
    return (f"{responses:,} response rows, cold", f"{seconds:.1f} s",
            f"peak RSS of the build's processes {peak / 2**30:.2f} GB (target < 2 GB)")


def million_table(wave: str = "T1", jobs: int = 2) -> None:
    """Only the table's 1e6-row build (``scripts/benchmark.py million``)."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="via-bench-") as tmp:
        try:
            rows = [_million_row(Path(tmp), wave, jobs, dict(os.environ))]
        except BuildFailed as failed:
            _print_table([("STOPPED", "", str(failed))], wave, jobs, load_before)
            raise SystemExit(1)
    _print_table(rows, wave, jobs, load_before)


def _print_table(rows: list[tuple[str, str, str]], wave: str, jobs: int, load_before: tuple[float, ...]) -> None:
    load_after = os.getloadavg()
    width = max(len(r[0]) for r in rows)
    print(f"\nvia-reports speed (wave {wave}, --jobs {jobs}; {os.cpu_count()} cores; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after)")
    print(f"{'measure':<{width}}  {'value':>9}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")
