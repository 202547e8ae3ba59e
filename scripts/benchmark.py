"""Benchmark via-reports: the speed table of issue 11, validation, and where a build's time goes.

    .venv/bin/python scripts/benchmark.py table [--skip-million]   # the one table, measured in one run
    .venv/bin/python scripts/benchmark.py million                  # only the table's 1e6-row build
    .venv/bin/python scripts/benchmark.py validation [--scale 100]
    .venv/bin/python scripts/benchmark.py duplicates [--rows 1000000]
    .venv/bin/python scripts/benchmark.py memory [--sizes 100000,1000000,10000000]
    .venv/bin/python scripts/benchmark.py build [--jobs 2] [--wave T1]
    .venv/bin/python scripts/benchmark.py notebooks [--wave T1]
    .venv/bin/python scripts/benchmark.py pdf [--wave T1]
    .venv/bin/python scripts/benchmark.py formats [--wave T1] [--runs 3]   # what the Word edition adds
    .venv/bin/python scripts/benchmark.py all
    .venv/bin/python scripts/benchmark.py batch [--studies 6] [--editions 2]   # builds one by one vs a batch

A script, not a timed test: machines differ, so numbers are measured and
quoted, never asserted. Wall-clock times with time.perf_counter(); each
validation figure is the median of three runs in this process (imports
excluded), the build times are single runs of the real `build_report`, and
the table's builds are runs of the command line, as a researcher types them
(see :mod:`speed_table`). The load average is printed with the table: on a
shared machine the numbers mean little.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_data import scaled_demo  # noqa: E402 - found through the path set just above


def median_time(function, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_validation(scale: int) -> None:
    from via_reports.data.dataset import validate_folder

    with tempfile.TemporaryDirectory() as tmp:
        demo = scaled_demo(Path(tmp) / "x1", 1)
        big = scaled_demo(Path(tmp) / f"x{scale}", scale)
        for label, folder in (("demo (1x)", demo), (f"{scale}x", big)):
            result = validate_folder(folder)
            rows = sum(len(t) for t in result.tables.values())
            assert result.ok, result.violations[:3]
            seconds = median_time(lambda: validate_folder(folder))
            print(f"validation {label:>10}: {rows:>8} rows  {seconds:7.2f} s  (median of 3)")
        embedded = median_time(lambda: validate_folder(None))
        print(f"validation embedded demo (generate + validate): {embedded:.2f} s")


def bench_duplicates(rows: int) -> None:
    """Hostile input: the tiny dataset with ``rows`` responses that all repeat one key."""
    import pandas as pd
    from tiny import tiny_tables, write_dataset

    from via_reports.data.dataset import validate_folder
    from via_reports.data.limits import count_violations

    study, frames = tiny_tables()
    frames["responses"] = pd.concat([frames["responses"].iloc[[0]]] * rows, ignore_index=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "duplicates", study, frames)
        started = time.perf_counter()
        result = validate_folder(folder)
        seconds = time.perf_counter() - started
        listed = sum(v.rule == "unique_key" for v in result.violations)
        duplicates = count_violations(v for v in result.violations if v.table == "responses")
        print(f"validation of {rows} rows with a duplicate key on every row: {seconds:.1f} s "
              f"({duplicates} duplicates counted, {listed} listed, single run)")


def _hostile_barriers(folder: Path, rows: int) -> Path:
    """The tiny dataset with a barriers.csv of ``rows`` rows that all repeat one key (issue 26's attack).

    Written line by line: pandas would need the whole table in memory first.
    """
    from tiny import tiny_tables, write_dataset

    study, frames = tiny_tables()
    folder = write_dataset(folder, study, frames)
    line = "P1,T0,society,medical,\n"
    with open(folder / "barriers.csv", "w", encoding="utf-8") as handle:
        handle.write("participant_id,wave,domain,barrier,other_text\n")
        chunk = line * 100_000
        for _ in range(rows // 100_000):
            handle.write(chunk)
        handle.write(line * (rows % 100_000))
    return folder


#: Run in a fresh process: validate a folder, print seconds, peak RSS (KB) and the violations it stands for.
_MEASURE = """
import resource, sys, time
from via_reports.data.dataset import validate_folder
from via_reports.data.limits import count_violations
validate_folder(None)  # imports and contracts: the baseline, measured before the folder
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
result = validate_folder(sys.argv[1])
seconds = time.perf_counter() - started
print(seconds, base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(result.violations),
      count_violations(result.violations))
"""


def bench_memory(sizes: list[int]) -> None:
    """Peak memory of `validate` against input size: barriers.csv of 10^5..10^7 rows, every row a repeated key.

    Each size is validated in a fresh process, so its peak RSS is its own; the
    baseline is that process's peak after validating the embedded demo (imports,
    contracts). The growth over the baseline is compared with the file's size.
    """
    import subprocess

    print(f"load average: {', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
    print("| rows of barriers.csv | file (MB) | validation (s) | peak RSS (MB) | baseline (MB) | growth / file | "
          "violations listed | violations counted |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = _hostile_barriers(Path(tmp) / "hostile", rows)
            megabytes = (folder / "barriers.csv").stat().st_size / 1024**2
            done = subprocess.run([sys.executable, "-c", _MEASURE, str(folder)], capture_output=True, text=True,
                                  cwd=ROOT)
            if done.returncode != 0:
                print(f"| {rows:,} | {megabytes:.1f} | failed: {done.stderr.strip().splitlines()[-1]} |")
                continue
            seconds, base, peak, listed, counted = done.stdout.split()
            base_mb, peak_mb = int(base) / 1024, int(peak) / 1024
            print(f"| {rows:,} | {megabytes:.1f} | {float(seconds):.1f} | {peak_mb:,.0f} | {base_mb:,.0f} | "
                  f"{(peak_mb - base_mb) / megabytes:.1f}x | {int(listed):,} | {int(counted):,} |", flush=True)


def bench_build(jobs: int, wave: str) -> None:
    from via_reports.report.build import BuildOptions, build_report

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        for label in ("cold build", "rebuild (nothing changed)"):
            started = time.perf_counter()
            result = build_report(BuildOptions(out=out, wave=wave, jobs=jobs))
            total = time.perf_counter() - started
            kind = result.scope.kind if result.scope else "up to date"
            print(f"{label}: {total:.1f} s  (wave {wave}, kind {kind}, jobs {jobs})")
            for stage, seconds in result.timings.items():
                print(f"    {stage:<28} {seconds:6.2f} s")


def bench_formats(wave: str, jobs: int, runs: int) -> None:
    """Cold builds (the command line, each with a new, empty cache folder) with ``pdf,html`` and with
    ``pdf,html,docx``, taken in turns so that the machine's load falls on both alike; the median of ``runs`` each."""
    import subprocess

    command = [str(Path(sys.executable).with_name("via-reports")), "build", "--wave", wave, "--jobs", str(jobs),
               "--quiet", "--force"]
    times: dict[str, list[float]] = {"pdf,html": [], "pdf,html,docx": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            for formats in times:
                started = time.perf_counter()
                cache = Path(tmp) / f"cache-{run}-{len(formats)}"
                subprocess.run([*command, "--formats", formats, "--out", str(Path(tmp) / f"r{run}"),
                                "--cache-dir", str(cache)], check=True)
                times[formats].append(time.perf_counter() - started)
    base, docx = statistics.median(times["pdf,html"]), statistics.median(times["pdf,html,docx"])
    for formats, seconds in times.items():
        print(f"cold build --formats {formats:<14} median {statistics.median(seconds):6.1f} s  "
              f"(runs: {', '.join(f'{x:.1f}' for x in seconds)})")
    print(f"the Word edition adds {docx - base:+.1f} s ({(docx / base - 1) * 100:+.0f} %); "
          f"load average {', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")


def bench_notebooks(wave: str) -> None:
    """Where a chapter notebook's time goes: kernel start, imports, data, figures, chart specs."""
    import subprocess

    python = sys.executable
    imports = ("import pandas, altair, scipy.stats, pandera.pandas; "
               "import via_reports.chapters.notebook, via_reports.figures, via_reports.analysis.subgroups, via_reports.analysis.effects")
    started = time.perf_counter()
    subprocess.run([python, "-c", "pass"], check=True)
    bare = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([python, "-c", imports], check=True)
    print(f"python start {bare:.2f} s; imports of a chapter notebook {time.perf_counter() - started - bare:.2f} s")

    import nbformat
    from nbclient import NotebookClient

    from via_reports.chapters.kernel import KERNEL_NAME, ChapterKernelManager

    started = time.perf_counter()
    one_cell = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    NotebookClient(one_cell, kernel_name=KERNEL_NAME, kernel_manager_class=ChapterKernelManager).execute()
    print(f"kernel start until the first cell ran (and shutdown): {time.perf_counter() - started:.2f} s")

    from via_reports.analysis.scope import Scope
    from via_reports.chapters.registry import chapter_figures, computed_chapters
    from via_reports.data.dataset import load_dataset

    started = time.perf_counter()
    dataset = load_dataset(None)
    scope = Scope.for_wave(dataset, wave)
    print(f"demo data generated and validated: {time.perf_counter() - started:.2f} s")
    for chapter in computed_chapters(scope.kind):
        started = time.perf_counter()
        figures = chapter_figures(chapter, dataset, scope)
        computed = time.perf_counter() - started
        started = time.perf_counter()
        for figure in figures:
            figure.chart.to_dict()
        specs = time.perf_counter() - started
        print(f"    {chapter:<14} {len(figures)} figures: computing {computed:5.2f} s, chart specs {specs:5.2f} s")


def bench_pdf(wave: str) -> None:
    """Where the PDF's time goes: laid out in one piece (as before it came in parts), then in parts
    with nothing cached (each part's layout), and with every part cached (the join alone)."""
    import re

    from weasyprint import HTML

    from via_reports.theme import cache as render_cache
    from via_reports.render import pdf as pdf_module
    from via_reports.render.assemble import figure_svgs
    from via_reports.theme.cache import RenderCache
    from via_reports.report import build
    from via_reports.document.model import number_document

    captured = {}
    render = build._render  # the build's last step: it is given the finished document

    def capture(document, theme, staging, options, *rest):
        captured.update(document=document, theme=theme, cache=RenderCache(options.cache_folder))
        return render(document, theme, staging, options, *rest)

    with tempfile.TemporaryDirectory() as tmp:
        build._render = capture
        try:
            build.build_report(build.BuildOptions(out=Path(tmp) / "report", wave=wave, jobs=2,
                                                  cache_dir=Path(tmp) / "cache"))
        finally:
            build._render = render
        document, theme = captured["document"], captured["theme"]
        svgs = figure_svgs(document, theme, captured["cache"])

        def one_piece() -> tuple[float, float, int]:
            started = time.perf_counter()
            laid_out = HTML(string=pdf_module.pdf_html(document, theme, number_document(document), svgs),
                            base_url=theme.folder.as_uri() + "/", url_fetcher=pdf_module.confined_fetcher(theme)
                            ).render(pdf_variant=pdf_module.PDF_VARIANT)
            rendered = time.perf_counter()
            laid_out.write_pdf(pdf_variant=pdf_module.PDF_VARIANT)
            return rendered - started, time.perf_counter() - rendered, len(laid_out.pages)

        runs = [one_piece() for _ in range(3)]
        print(f"in one piece: render {statistics.median(r[0] for r in runs):.2f} s, write "
              f"{statistics.median(r[1] for r in runs):.2f} s, {runs[0][2]} pages (median of 3)")

        parts, real, real_written = [], pdf_module.lay_out, pdf_module.LaidOut.written

        def timed(html, *rest):  # the layout; its PDF is written later (:func:`written`)
            started = time.perf_counter()
            made = real(html, *rest)
            name = re.search(r'<body[^>]*>\s*<(?:section|nav) class="([^"]+)"(?: id="([^"]+)")?', html)
            made.timed = len(parts)
            parts.append([name.group(2) or name.group(1), made.pages, time.perf_counter() - started])
            return made

        def written(self):
            started = time.perf_counter()
            pdf = real_written(self)
            parts[self.timed][2] += time.perf_counter() - started
            return pdf

        pdf_module.lay_out, pdf_module.LaidOut.written = timed, written
        render_cache._MEMORY.clear()
        try:
            started = time.perf_counter()
            result = pdf_module.render_pdf(document, theme, Path(tmp) / "a.pdf", svgs=svgs)
            cold = time.perf_counter() - started
            parts_laid_out = list(parts)
            started = time.perf_counter()
            pdf_module.render_pdf(document, theme, Path(tmp) / "b.pdf", svgs=svgs)
            cached = time.perf_counter() - started
        finally:
            pdf_module.lay_out, pdf_module.LaidOut.written = real, real_written
        for name, pages, seconds in parts_laid_out:
            print(f"    {name:<34} {pages:3d} pages  {seconds:5.2f} s")
        print(f"in parts, nothing cached: {cold:.2f} s ({len(parts_laid_out)} layouts, {result.pages} pages, "
              f"{result.path.stat().st_size / 1024:.0f} KB); every part cached (templates and the join): "
              f"{cached:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["table", "million", "validation", "duplicates", "memory", "build",
                                         "notebooks", "pdf", "formats", "all", "batch"])
    parser.add_argument("--studies", type=int, default=6, help="batch: studies of the demo programme")
    parser.add_argument("--editions", type=int, choices=[1, 2], default=2, help="batch: T1 and T2, or T2 only")
    parser.add_argument("--skip-million", action="store_true", help="table: leave out the 1e6-row build")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="100000,1000000,10000000",
                        help="memory: rows of barriers.csv, comma-separated")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--wave", default="T1")
    parser.add_argument("--runs", type=int, default=3, help="formats: cold builds of each kind")
    args = parser.parse_args(argv)
    if args.what in ("table", "all"):
        from speed_table import speed_table

        speed_table(args.wave, args.jobs, million=not args.skip_million)
    if args.what == "million":
        from speed_table import million_table

        million_table(args.wave, args.jobs)
    if args.what in ("validation", "all"):
        bench_validation(args.scale)
    if args.what in ("duplicates", "all"):
        bench_duplicates(args.rows)
    if args.what in ("memory", "all"):
        bench_memory([int(size) for size in args.sizes.split(",")])
    if args.what in ("notebooks", "all"):
        bench_notebooks(args.wave)
    if args.what in ("build", "all"):
        bench_build(args.jobs, args.wave)
    if args.what in ("pdf", "all"):
        bench_pdf(args.wave)
    if args.what == "formats":
        bench_formats(args.wave, args.jobs, args.runs)
    if args.what == "batch":  # not in "all": it takes minutes
        from batch_benchmark import batch_benchmark

        batch_benchmark(args.studies, args.editions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
