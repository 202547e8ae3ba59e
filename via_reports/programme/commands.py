"""The programme-level commands of ``via-reports``: demo-programme, batch and synthesis.

Registered on the command line's app in :mod:`via_reports.cli`; this module
imports only typer at first, the rest (Dask, pandas) when a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from via_reports.command_options import CacheDirOption, ForceOption, NoCacheOption
from via_reports.output_paths import refuse_in_data_folder

#: The environment variable Dask itself reads for a scheduler's address.
SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"


def demo_programme(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="New folder for the demo programme.")],
    studies: Annotated[int, typer.Option("--studies", metavar="N", min=3, max=12,
                                         help="How many synthetic pilots (3 to 12).")] = 6,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; the exit status tells.")] = False,
) -> None:
    """Write synthetic pilot datasets and their programme.yaml into a new folder.

    Each pilot is the demo generator with other parameters: a made-up
    municipality, 60-250 pilot participants, its own control group and true
    effect; one pilot is not assigned by lot. Each is validated.
    """
    from via_reports.terminal import console as _console, shown
    from via_reports.exceptions import EXIT_USAGE
    from via_reports.programme.demo_programme import write_demo_programme

    console = _console(quiet)
    try:
        written = write_demo_programme(folder, studies)
    except (FileExistsError, PermissionError) as error:
        console.quiet = False
        console.print(f"[red]{shown(error)}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    console.print(f"Demo programme written to {shown(folder)}: {len(written)} synthetic pilots "
                  f"({', '.join(shown(p.name) for p in written)}), each validated, and programme.yaml.")


def batch(
    programme_file: Annotated[Path, typer.Argument(metavar="PROGRAMME.yaml", help="The programme file.")],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder of the programme.")],
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", metavar="tcp://HOST:PORT", envvar=SCHEDULER_VARIABLE, show_envvar=True,
        help="An existing Dask scheduler (default: an embedded cluster, one worker per core).")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", metavar="N", min=1, help="Workers of the embedded cluster (default: one per core).")] = None,
    force: ForceOption = False,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    no_synthesis: Annotated[bool, typer.Option("--no-synthesis", help="Do not build the synthesis.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars; the last line still counts.")] = False,
) -> None:
    """Build every study x edition of a programme on Dask, then index.html and the synthesis.

    Exit status 0 when every report was built (or was up to date), 1 when some
    failed; the last line counts them.
    """
    from via_reports.terminal import console as _console, shown
    from via_reports.programme.batch import batch_tasks, check_output_folder, run_batch, write_batch_record
    from via_reports.programme.index_page import counts
    from via_reports.programme.programme_file import load_programme

    console = _console()
    programme = load_programme(programme_file)  # ParameterError: exit 2 before any cluster starts
    refuse_in_data_folder(out, None, what="the output folder", option="--out")  # no study's folder is written
    if cache_dir is not None:
        refuse_in_data_folder(cache_dir, None, what="the cache folder", option="--cache-dir")
    check_output_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = batch_tasks(programme, out, cache_dir=cache_dir, cache=not no_cache, force=force)
    with _progress(console, quiet, programme) as done:
        results = run_batch(tasks, scheduler, workers, done)
    for result in results:
        if result["status"] == "failed":
            console.print(f"[red]failed:[/red] {shown(result['study'])} {shown(_edition(result))}: "
                          f"{shown(result['error'])}")
    synthesis_failed = False
    finals = [r for r in results if r["status"] != "failed" and (r.get("key_numbers") or {}).get("kind") == "final"]
    if not no_synthesis and not finals:
        console.print("No synthesis: no edition of the programme is a final report with effects to pool.")
    elif not no_synthesis:
        synthesis_failed = not _run_synthesis(console, programme, out / "synthesis", out)
    write_batch_record(out, programme, results)
    tally = counts(results)
    console.print(f"{tally['built']} built, {tally['up_to_date']} up to date, {tally['failed']} failed "
                  f"of {tally['total']} reports; index: {shown(out / 'index.html')}")
    if tally["failed"] or synthesis_failed:
        raise typer.Exit(1)


def _edition(result: dict[str, Any]) -> str:
    """A task's edition as a person reads it: ``T2 en public``."""
    return " ".join(p for p in (result["wave"], result.get("language") or "", "public" if result["public"] else "") if p)


def _progress(console: Any, quiet: bool, programme: Any):
    """A rich progress bar per study and one in total; yields ``done(result)``."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bars():
        with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[failed]}"), TimeElapsedColumn(), console=console,
                      disable=quiet, transient=False) as bar:
            per_study = {study.id: bar.add_task(study.id, total=len(programme.editions), failed="")
                         for study in programme.studies}
            total = bar.add_task("total", total=len(programme.studies) * len(programme.editions), failed="")
            failed: dict[str, int] = {}

            def done(result: dict[str, Any]) -> None:
                if result["status"] == "failed":
                    failed[result["study"]] = failed.get(result["study"], 0) + 1
                    bar.update(per_study[result["study"]], failed=f"{failed[result['study']]} failed")
                    bar.update(total, failed=f"{sum(failed.values())} failed")
                bar.advance(per_study[result["study"]])
                bar.advance(total)

            yield done

    return bars()


def _run_synthesis(console: Any, programme: Any, out: Path, reports: Path) -> bool:
    """Build the synthesis into ``out``; False (with the message printed) when it could not be built."""
    from via_reports.terminal import shown
    from via_reports.exceptions import ViaReportsError
    from via_reports.programme.synthesis import build_synthesis

    try:
        built = build_synthesis(programme, reports, out)
    except ViaReportsError as error:
        console.print(f"[red]synthesis not built:[/red] {shown(error)}")
        return False
    if built.up_to_date:
        console.print(f"Synthesis of {built.studies} studies up to date: {shown(out)}.")
    else:
        console.print(f"Synthesis of {built.studies} studies written to {shown(out)}.")
    return True


def synthesis(
    programme_file: Annotated[Path, typer.Argument(metavar="PROGRAMME.yaml", help="The programme file.")],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder of the synthesis report.")],
    reports: Annotated[Optional[Path], typer.Option(
        "--reports", metavar="FOLDER",
        help="The batch's output folder with the studies' reports (default: the folder that holds DIR).")] = None,
) -> None:
    """Pool the studies' published effects into a synthesis report (PDF, HTML, CSVs, manifest).

    Reads only each study's figures/effects.outcomes.csv, effects.flow.csv and
    manifest.json under the batch's folder, never row data.
    """
    from via_reports.terminal import console as _console
    from via_reports.programme.programme_file import load_programme

    console = _console()
    programme = load_programme(programme_file)
    refuse_in_data_folder(out, None, what="the output folder", option="--out")
    if not _run_synthesis(console, programme, out, reports or out.resolve().parent):
        raise typer.Exit(1)
