"""The ``via-reports`` command line.

Exit codes (see :mod:`via_reports.exceptions`): 0 fine, 2 usage,
3 invalid data, 4 a chapter failed, 5 the render failed.

Whatever comes from the data (a cell, a file name, a message quoting a value)
is printed through :func:`shown`: as plain text, never as rich markup (a cell
``[link=...]`` would otherwise become a terminal hyperlink), without control
characters, and with BSN-like numbers masked.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from via_reports.data.bsn import mask_bsn
from via_reports.data.validation import Violation
from via_reports.exceptions import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    ChapterError,
    ContractError,
    ViaReportsError,
)
from via_reports.options import DEFAULT_OPTIONS, KINDS, LANGUAGES

app = typer.Typer(
    name="via-reports",
    help="Research reports on the VIA pilot, computed from validated survey data.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

#: How many violations the terminal table shows before pointing to --report.
TERMINAL_LIMIT = 50


#: Control characters (terminal escape sequences among them) other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: object) -> str:
    """Text from the data, safe to print with rich: markup escaped, control characters
    written as ``\\xNN``, BSN-like numbers masked."""
    plain = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))
    return escape(mask_bsn(plain))


def _console(quiet: bool = False) -> Console:
    return Console(stderr=False, quiet=quiet, width=160 if not Console().is_terminal else None)


def print_violations(console: Console, violations: list[Violation], title: str) -> None:
    table = Table(title=title, show_lines=False, header_style="bold")
    for name in ("table", "file", "row", "column", "value", "rule", "message"):
        table.add_column(name, overflow="fold")
    for v in violations[:TERMINAL_LIMIT]:
        table.add_row(shown(v.table), shown(Path(v.file).name), "" if v.row is None else str(v.row),
                      shown(v.column or ""), shown(v.value or ""), shown(v.rule), shown(v.message))
    console.print(table)
    if len(violations) > TERMINAL_LIMIT:
        console.print(f"... and {len(violations) - TERMINAL_LIMIT} more: use --report FILE.csv|json for all of them")


@app.command()
def validate(
    data_dir: Annotated[Optional[Path], typer.Argument(help="Dataset folder; omit for the embedded demo data.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write every violation to FILE.csv or FILE.json.")] = None,
    language: Annotated[Optional[str], typer.Option("--language", help="Message language: nl or en (default: study.yaml's).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; the exit status tells.")] = False,
) -> None:
    """Check a dataset against the data contract; report every violation at once."""
    from via_reports.data.dataset import validate_folder
    from via_reports.data.violation_report import check_report_path, write_violation_report

    console = _console(quiet)
    if language not in (None, *LANGUAGES):
        raise typer.BadParameter(f"language must be {' or '.join(LANGUAGES)}", param_hint="--language")
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        raise typer.BadParameter("the report file must end in .csv or .json", param_hint="--report")
    if report is not None:
        check_report_path(report, data_dir)  # before the work: a refused path costs nothing
    if data_dir is not None and not data_dir.is_dir():
        console.print(f"[red]No dataset folder at {shown(data_dir)}[/red]")
        raise typer.Exit(EXIT_DATA)
    started = time.perf_counter()
    result = validate_folder(data_dir, language)
    seconds = time.perf_counter() - started
    everything = result.violations + result.warnings
    if report is not None:
        write_violation_report(everything, report, data_dir)
    where = "embedded demo data" if data_dir is None else shown(data_dir)
    if result.warnings:
        print_violations(console, result.warnings, f"{len(result.warnings)} warning(s)")
    if result.violations:
        print_violations(console, result.violations, f"{len(result.violations)} violation(s) of the data contract")
        console.print(f"[red]Invalid:[/red] {where} does not meet the data contract "
                      f"({len(result.violations)} violation(s), checked in {seconds:.2f} s).")
        raise typer.Exit(EXIT_DATA)
    rows = sum(len(t) for t in result.tables.values())
    console.print(f"[green]Valid:[/green] {where} meets the data contract "
                  f"({rows} rows in {len(result.tables)} tables, checked in {seconds:.2f} s).")


@app.command("demo-data")
def demo_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder to create with the synthetic demo dataset.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Write the synthetic demo dataset (CSV + study.yaml) to a new folder, validated."""
    from via_reports.data.dataset import validate_folder
    from via_reports.demo.generator import write_demo

    console = _console(quiet)
    try:
        write_demo(out_dir)
    except (FileExistsError, PermissionError) as exc:
        console.print(f"[red]{shown(exc)}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    result = validate_folder(out_dir)
    if not result.ok:  # a bug in the generator, never the user's fault
        print_violations(console, result.violations, "the demo generator wrote invalid data")
        raise typer.Exit(EXIT_DATA)
    console.print(f"Demo dataset written to {shown(out_dir)} and validated "
                  f"({len(result.tables['participants'])} participants, synthetic).")


@app.command()
def build(
    data_dir: Annotated[Optional[Path], typer.Argument(help="Dataset folder; omit for the embedded demo data.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (replaced only when the build succeeds).")] = Path("report"),
    wave: Annotated[Optional[str], typer.Option("--wave", help="Last wave of the report, e.g. T1 (default: the last answered).")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="interim or final (default: inferred from the wave).")] = None,
    language: Annotated[Optional[str], typer.Option("--language", help="nl or en (default: study.yaml's).")] = None,
    theme: Annotated[str, typer.Option("--theme", help="Theme name under templates/pdf/themes, or a theme folder.")] = DEFAULT_OPTIONS["theme"],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Chapters run in parallel.")] = DEFAULT_OPTIONS["jobs"],
    min_n: Annotated[int, typer.Option("--min-n", min=1, help="Minimum users for a satisfaction figure per instrument.")] = DEFAULT_OPTIONS["min_n"],
    alpha: Annotated[float, typer.Option("--alpha", help="Significance threshold of the statistical tests, between 0 and 1.")] = DEFAULT_OPTIONS["alpha"],
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when the output folder is up to date.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output; the exit status tells.")] = False,
) -> None:
    """Build report.pdf, report.html, figures/*.csv, manifest.json and the executed notebooks."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from via_reports.report.build import BuildOptions, build_report

    console = _console(quiet)
    if kind not in (None, *KINDS):
        raise typer.BadParameter(f"kind must be {' or '.join(KINDS)}", param_hint="--kind")
    if language not in (None, *LANGUAGES):
        raise typer.BadParameter(f"language must be {' or '.join(LANGUAGES)}", param_hint="--language")
    options = BuildOptions(data_dir=data_dir, out=out, wave=wave, kind=kind, language=language, theme=theme,
                           jobs=jobs, min_n=min_n, alpha=alpha, force=force)
    with Progress(TextColumn("{task.description:<14}"), BarColumn(), TextColumn("{task.fields[status]}"),
                  TimeElapsedColumn(), console=console, disable=quiet, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(chapter: str, event: str, seconds: float) -> None:
            if chapter not in tasks:
                tasks[chapter] = bar.add_task(chapter, total=1, status="waiting")
            if event == "start":
                bar.update(tasks[chapter], status="running")
            elif event == "done":
                bar.update(tasks[chapter], completed=1, status=f"done in {seconds:.1f} s")
            elif event == "failed":
                bar.update(tasks[chapter], status="[red]failed[/red]")

        try:
            result = build_report(options, progress)
        except ContractError as error:
            bar.stop()
            print_violations(console, error.violations, f"{len(error.violations)} violation(s) of the data contract")
            console.print("[red]No report was built:[/red] the data do not meet the contract.")
            raise typer.Exit(error.exit_code) from None
        except ChapterError as error:
            bar.stop()
            console.print(f"[red]{shown(error)}[/red]")
            if error.notebook_path:
                console.print(f"Inspect the executed notebook: {shown(error.notebook_path)}")
            console.print("No report was built.")
            raise typer.Exit(error.exit_code) from None
        except ViaReportsError as error:
            bar.stop()
            console.print(f"[red]{type(error).__name__}:[/red] {shown(error)}")
            console.print("No report was built.")
            raise typer.Exit(error.exit_code) from None
    if result.up_to_date:
        console.print(f"[green]Up to date:[/green] {shown(result.out)} was built from the same data, parameters, "
                      "code and templates (use --force to rebuild).")
        return
    total = sum(v for k, v in result.timings.items() if k in ("validation", "notebooks", "collection", "render"))
    console.print(f"[green]Report built[/green] in {shown(result.out)} ({result.scope.kind}, waves "
                  f"{', '.join(result.scope.waves)}, {len(result.files)} files, {total:.1f} s).")


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (a scheduler, `kill`) unwinds like Ctrl-C, so a build removes its staging folder."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status instead of exiting."""
    command = typer.main.get_command(app)
    if argv is None:  # the console script, in the main thread: a terminated build cleans up after itself
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        status = command.main(args=argv, prog_name="via-reports", standalone_mode=False)
    except ViaReportsError as error:  # raised outside a command's own handling (a refused --report path)
        Console(stderr=True).print(f"[red]{type(error).__name__}:[/red] {shown(error)}")
        return error.exit_code
    except typer.Abort:
        return 1
    except typer.TyperException as exc:  # usage errors: bad option, bad value
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        return getattr(exc, "exit_code", EXIT_USAGE)
    return status if isinstance(status, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
