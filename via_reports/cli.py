"""The ``via-reports`` command line.

Exit codes (see :mod:`via_reports.exceptions`): 0 fine, 2 usage,
3 invalid data, 4 a chapter failed, 5 the render failed.

Whatever comes from the data (a cell, a file name, a message quoting a value)
is printed through :func:`shown`: as plain text, never as rich markup (a cell
``[link=...]`` would otherwise become a terminal hyperlink), without control
characters, and with BSN-like numbers masked.

The help is click's plain help (``-h`` or ``--help``): typer's rich help
panels show a value placeholder (``<bool>``) even for flags, which take none.
"""

from __future__ import annotations

import gc
import re
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from via_reports.command_options import CacheDirOption, ForceOption, NoCacheOption
from via_reports.exceptions import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_RENDER,
    EXIT_USAGE,
    ChapterError,
    ContractError,
    ViaReportsError,
)
from via_reports.options import DEFAULT_OPTIONS, REPORT_FILE, check_options
from via_reports.output_paths import check_build_paths, refuse_in_data_folder, write_failure
from via_reports.report.freshness import CELL_TIMEOUT
from via_reports.terminal import console as _console, shown
from via_reports.version import __version__

if TYPE_CHECKING:  # the command line starts without pandas: an up-to-date build needs none
    from via_reports.violations import Violation

app = typer.Typer(
    name="via-reports",
    help="Research reports on the VIA pilot, computed from validated survey data. "
         "Without a dataset folder, validate and build use the embedded synthetic demo data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
kernel_app = typer.Typer(help="The Jupyter kernel of the chapter notebooks.", no_args_is_help=True)
app.add_typer(kernel_app, name="kernel")

#: How many violations the terminal table shows before pointing to --report.
TERMINAL_LIMIT = 50


def print_violations(console: Console, violations: list[Violation], title: str) -> None:
    table = Table(title=title, show_lines=False, header_style="bold")
    for name in ("table", "file", "row", "column", "value", "rule", "message"):
        table.add_column(name, overflow="fold")
    from via_reports.data.limits import count_violations

    listed = violations[:TERMINAL_LIMIT]
    for v in listed:
        table.add_row(shown(v.table), shown(Path(v.file).name), "" if v.row is None else str(v.row),
                      shown(v.column or ""), shown(v.value or ""), shown(v.rule), shown(v.message))
    console.print(table)
    rest = count_violations(violations) - count_violations(listed)  # exact: "and N more" rows count as N
    if rest > 0:
        console.print(f"... and {rest:,} more: use --report FILE.csv|json for them (at most "
                      "1,000 per table, column and rule are listed, the rest counted)")


def _show_version(value: bool) -> None:
    if value:
        print(f"via-reports {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", callback=_show_version,
                                          is_eager=True)] = False,
) -> None:
    """Research reports on the VIA pilot, computed from validated survey data."""


@app.command()
def validate(
    data_dir: Annotated[Optional[Path], typer.Argument(
        metavar="DATA", help="Dataset folder; omit for the embedded demo data.", show_default=False)] = None,
    report: Annotated[Optional[Path], typer.Option("--report", metavar="FILE",
                                                   help="Also write every violation to FILE.csv or FILE.json.")] = None,
    language: Annotated[Optional[str], typer.Option("--language", metavar="nl|en",
                                                    help="Language of the messages (default: study.yaml's).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; the exit status tells.")] = False,
) -> None:
    """Check a dataset against the data contract.

    Every violation is reported at once, with table, file, row and column.
    """
    from via_reports.data.dataset import validate_folder
    from via_reports.data.limits import count_violations
    from via_reports.data.violation_report import check_report_path, write_violation_report

    console = _console(quiet)
    check_options({"language": language})
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
        print_violations(console, result.warnings, f"{count_violations(result.warnings)} warning(s)")
    if result.violations:
        total = count_violations(result.violations)
        print_violations(console, result.violations, f"{total} violation(s) of the data contract")
        console.print(f"[red]Invalid:[/red] {where} does not meet the data contract "
                      f"({total} violation(s), checked in {seconds:.2f} s).")
        raise typer.Exit(EXIT_DATA)
    rows = sum(len(t) for t in result.tables.values())
    console.print(f"[green]Valid:[/green] {where} meets the data contract "
                  f"({rows} rows in {len(result.tables)} tables, checked in {seconds:.2f} s).")


@app.command("demo-data")
def demo_data(
    out_dir: Annotated[Path, typer.Argument(metavar="FOLDER", help="New folder for the synthetic demo dataset.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; the exit status tells.")] = False,
) -> None:
    """Write the synthetic demo dataset to a new folder.

    CSV tables and study.yaml, validated.
    """
    from via_reports.data.dataset import validate_folder
    from via_reports.demo.generator import write_demo

    if not out_dir.exists():  # an existing folder is refused below, as such
        refuse_in_data_folder(out_dir, None, what="the new dataset folder", option="FOLDER")
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


def whole_number(text: str) -> int:
    """An integer option as written: "2.0" is refused (typer would take it as 2), as in report.yaml."""
    if not re.fullmatch(r"[+-]?[0-9]+", str(text).strip()):
        raise typer.BadParameter(f"{text!r} is not a whole number")
    return int(text)


def _default(name: str, otherwise: str | None = None) -> str:
    """How the help names an option's default: the dataset's report.yaml, else the package's."""
    return f"default: {REPORT_FILE}'s, else {otherwise or DEFAULT_OPTIONS[name]}"


#: Options that build and preview share, declared once.
WaveOption = Annotated[Optional[str], typer.Option(
    "--wave", metavar="T0|T1|T2", help=f"Last wave of the report ({_default('wave', 'the last answered')}).")]
KindOption = Annotated[Optional[str], typer.Option(
    "--kind", metavar="interim|final",
    help=f"Report kind ({_default('kind', 'final for the last wave if a control group exists')}).")]
LanguageOption = Annotated[Optional[str], typer.Option(
    "--language", metavar="nl|en", help=f"Report language ({_default('language', 'the language of study.yaml')}).")]
ThemeOption = Annotated[Optional[str], typer.Option(
    "--theme", metavar="NAME|FOLDER", help=f"default, neutral or a theme folder ({_default('theme')}).")]
PublicOption = Annotated[Optional[bool], typer.Option(
    "--public", help="A public edition: no count from 1 to K-1, nor one that totals give away "
                     f"({_default('public', 'internal')}; public: true in study.yaml makes it public too).")]
MinCellOption = Annotated[Optional[int], typer.Option(
    "--min-cell", metavar="K", parser=whole_number, help=f"Threshold of a public edition, at least 2; given, it makes the edition "
                                    f"public ({_default('min_cell')}).")]
InternalOption = Annotated[bool, typer.Option(
    "--internal", help="The internal edition, even when report.yaml or study.yaml says public: true "
                       "(recorded in the provenance); not with --public or --min-cell.")]
FormatsOption = Annotated[Optional[str], typer.Option(
    "--formats", metavar="pdf,html,docx",
    help=f"The files to write, comma-separated: pdf, html, docx ({_default('formats', 'pdf,html')}).")]


def _format_list(formats: str | None) -> list[str] | None:
    """``--formats pdf,docx`` as the list report.yaml would give (its names are checked with the options)."""
    return None if formats is None else [name.strip() for name in formats.split(",") if name.strip()]


@app.command()
def build(
    data_dir: Annotated[Optional[Path], typer.Argument(
        metavar="DATA", help="Dataset folder; omit for the embedded demo data.", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FOLDER",
                                      help="Output folder, replaced only when the build succeeds.")] = Path("report"),
    wave: WaveOption = None,
    kind: KindOption = None,
    language: LanguageOption = None,
    theme: ThemeOption = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", metavar="N", parser=whole_number, help=f"Chapters run in parallel ({_default('jobs')}).")] = None,
    min_n: Annotated[Optional[int], typer.Option(
        "--min-n", metavar="N", parser=whole_number, help=f"Fewest users for an instrument's satisfaction figure ({_default('min_n')}).")] = None,
    alpha: Annotated[Optional[float], typer.Option(
        "--alpha", metavar="P", help=f"Significance threshold of the statistical tests ({_default('alpha')}).")] = None,
    public: PublicOption = None,
    min_cell: MinCellOption = None,
    internal: InternalOption = False,
    formats: FormatsOption = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=1, max=86_400,
        help="Seconds one notebook cell may run before its chapter counts as hung (600).")] = CELL_TIMEOUT,
    force: ForceOption = False,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    isolated: Annotated[bool, typer.Option("--isolated", help="Run each chapter in a fresh kernel of its own.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output; an error is still shown.")] = False,
) -> None:
    """Build the report of a dataset.

    Writes report.pdf, report.html, figures/*.csv, manifest.json and the
    executed notebooks. Options not given come from report.yaml in the dataset
    folder, if there is one.
    """
    from via_reports.report.freshness import BuildInputs, BuildOptions, is_built

    if timeout != timeout:  # NaN passes click's range (every comparison with it is false)
        raise typer.BadParameter("must be a number of seconds from 1 to 86400, not nan", param_hint="--timeout")
    console = _console(quiet)
    options = BuildOptions(data_dir=data_dir, out=out, wave=wave, kind=kind, language=language, theme=theme,
                           jobs=jobs, min_n=min_n, alpha=alpha, public=public, min_cell=min_cell,
                           internal=internal, formats=_format_list(formats), timeout=timeout, force=force, cache_dir=cache_dir,
                           cache=not no_cache, isolated=isolated)
    inputs = BuildInputs(options.resolved())  # a wrong option: exit 2 before any work
    check_build_paths(out, inputs.options.cache_folder, inputs.data_dir)  # no kernel starts for a refused path
    if is_built(inputs):  # answered before pandas or a kernel is loaded
        _say_up_to_date(console, out.resolve())
        return
    _build(inputs, console, quiet)


def _say_up_to_date(console: Console, out: Path) -> None:
    console.print(f"[green]Up to date:[/green] {shown(out)} was built from the same data, parameters, "
                  "code and templates (use --force to rebuild).")


def _build(inputs, console: Console, quiet: bool) -> None:
    """Run the build with a progress bar; a failure prints its message and exits with its status."""
    from via_reports.report.kernel_start import start_for_cold_build

    kernels = start_for_cold_build(inputs)  # a cold build's kernels start before the build's imports
    try:
        _run_build(inputs, console, quiet, kernels)
    finally:
        if kernels is not None:  # the build stopped them already, unless it failed before it took them over
            kernels.close()


def _run_build(inputs, console: Console, quiet: bool, kernels) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from via_reports.report.build import build_report

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
            elif event == "cached":
                bar.update(tasks[chapter], completed=1, status="unchanged (cache)")
            elif event == "failed":
                bar.update(tasks[chapter], status="[red]failed[/red]")

        started = time.perf_counter()
        try:
            result = build_report(progress=progress, inputs=inputs, kernels=kernels)
        except ViaReportsError as error:
            bar.stop()
            console.quiet = False  # --quiet hides the progress, never why no report was built
            _say_why_not(console, error)
            raise typer.Exit(error.exit_code) from None
    if result.up_to_date:
        _say_up_to_date(console, result.out)
        return
    total = time.perf_counter() - started
    console.print(f"[green]Report built[/green] in {shown(result.out)} ({result.scope.kind}, waves "
                  f"{', '.join(result.scope.waves)}, {len(result.files)} files, {total:.1f} s).")


def _say_why_not(console: Console, error: ViaReportsError) -> None:
    """Why a build wrote no report: every violation, the failed chapter's notebook, or the error."""
    if isinstance(error, ContractError):
        from via_reports.data.limits import count_violations

        print_violations(console, error.violations, f"{count_violations(error.violations)} violation(s) of the "
                                                    "data contract")
        console.print("[red]No report was built:[/red] the data do not meet the contract.")
        return
    if isinstance(error, ChapterError):
        console.print(f"[red]{shown(error)}[/red]")
        if error.notebook_path:
            console.print(f"Inspect the executed notebook: {shown(error.notebook_path)}")
    else:
        console.print(f"[red]{type(error).__name__}:[/red] {shown(error)}")
    console.print("No report was built.")


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="New folder for the study.")],
    language: Annotated[str, typer.Option("--language", metavar="nl|en",
                                          help="Language of the study and of the texts to adapt.")] = "nl",
    theme: Annotated[str, typer.Option("--theme", metavar="NAME",
                                       help="The shipped theme to copy: default or neutral.")] = "default",
) -> None:
    """Start a new study in a new folder.

    Writes study.yaml to fill in, the tables with their header rows, report.yaml,
    the chapter texts and a theme to adapt.
    """
    from via_reports.scaffold import scaffold_study

    if not folder.exists():  # an existing folder is refused by the scaffold, as such
        refuse_in_data_folder(folder, None, what="the new study folder", option="FOLDER")
    written = scaffold_study(folder, language=language, theme=theme)
    console = _console()
    console.print(f"New study in {shown(folder)} ({len(written)} files). Next:")
    console.print(f"  1. fill in {shown(folder / 'study.yaml')} (every field is explained in it);")
    console.print("  2. add the rows of the tables (the header row says which columns; see the codebook in "
                  "a report's appendix);")
    console.print(f"  3. via-reports validate {shown(folder)}   then   via-reports build {shown(folder)}")


@app.command()
def notebooks(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="Folder to copy the chapter notebooks into.")],
) -> None:
    """Copy the chapter notebooks into a folder.

    To run them with papermill or open them in JupyterLab.
    """
    import shutil

    from via_reports.chapters.registry import computed_chapters
    from via_reports.resources import templates_dir

    refuse_in_data_folder(folder, None, what="the notebooks folder", option="FOLDER")
    sources = [templates_dir() / "notebooks" / f"{chapter}.ipynb" for chapter in computed_chapters()]
    targets = [folder / source.name for source in sources]
    existing = [target for target in targets if target.exists() or target.is_symlink()]  # a link: never written through
    if existing:
        raise typer.BadParameter(f"{', '.join(shown(p) for p in existing)} exist(s) already and would be "
                                 "overwritten: choose another folder", param_hint="FOLDER")
    folder.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copyfile(source, folder / source.name)
    _console().print(f"{len(sources)} chapter notebooks copied to {shown(folder)}: "
                     f"{', '.join(s.name for s in sources)}. They run in the Jupyter kernel 'via-reports' "
                     "(register it once with: via-reports kernel install).")


@kernel_app.command("install")
def kernel_install(
    sys_prefix: Annotated[bool, typer.Option(
        "--sys-prefix", help="Register it inside the running environment (e.g. a .venv) instead of for the user.")
    ] = False,
) -> None:
    """Register the Jupyter kernel the notebooks ask for.

    The kernel 'via-reports' runs this Python, with this via-reports.
    """
    from via_reports.chapters.kernel import KERNEL_NAME, install_kernel

    folder = install_kernel(user=not sys_prefix, prefix=sys.prefix if sys_prefix else None)
    _console().print(f"Jupyter kernel {KERNEL_NAME!r} registered in {shown(folder)} "
                     f"(it runs {shown(sys.executable)}).")


@app.command()
def preview(
    data_dir: Annotated[Path, typer.Argument(metavar="DATA", help="Dataset folder to watch.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FOLDER",
                                      help="Output folder of the builds.")] = Path("preview-report"),
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=0, max=65535,
                                      help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    wave: WaveOption = None,
    kind: KindOption = None,
    language: LanguageOption = None,
    theme: ThemeOption = None,
    public: PublicOption = None,
    min_cell: MinCellOption = None,
    internal: InternalOption = False,
) -> None:
    """Build, serve report.html on 127.0.0.1 and rebuild whenever the data, texts or theme change."""
    from via_reports.preview import preview as serve
    from via_reports.report.freshness import BuildOptions

    console = _console()
    options = BuildOptions(data_dir=data_dir, out=out, wave=wave, kind=kind, language=language, theme=theme,
                           public=public, min_cell=min_cell, internal=internal)
    resolved = options.resolved()  # a wrong option: exit 2 before anything is served
    check_build_paths(resolved.out, resolved.cache_folder, resolved.data_dir)  # nor a report in a data folder
    # Ctrl-C stops the preview, also when the process that started it ignores SIGINT
    # (a background job of a shell, a test runner): an ignored signal is inherited.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    serve(options, port, lambda message: console.print(shown(message)))


# The programme level (via_reports/programme/): a layer above the build, its commands registered here.
from via_reports.programme import commands as _programme  # noqa: E402 - after the app they are added to

app.command("demo-programme")(_programme.demo_programme)
app.command("batch")(_programme.batch)
app.command("synthesis")(_programme.synthesis)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (a scheduler, `kill`) unwinds like Ctrl-C, so a build removes its staging folder."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status instead of exiting."""
    if argv is None:  # the console script, in the main thread: a terminated build cleans up after itself
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            return _main(None)
        finally:
            # The process ends now. Its last garbage collection would walk every object the
            # command left (pandas, Altair, WeasyPrint): about 0.5 s after a build, for memory
            # the process gives back anyway. Frozen objects are left out of it.
            gc.freeze()
    return _main(argv)


def _main(argv: list[str] | None) -> int:
    command = typer.main.get_command(app)
    try:
        status = command.main(args=argv, prog_name="via-reports", standalone_mode=False)
    except ViaReportsError as error:  # raised outside a command's own handling (a refused --report path)
        Console(stderr=True).print(f"[red]{type(error).__name__}:[/red] {shown(error)}")
        return error.exit_code
    except OSError as error:  # a write that failed where no command expected it (a full disk): no traceback
        Console(stderr=True).print(f"[red]{type(error).__name__}:[/red] {shown(write_failure(error, 'a file'))}")
        return EXIT_RENDER
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
