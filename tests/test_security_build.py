"""A real build of a hostile dataset, and the build's promises about its output folder
and its processes. (Issue 8, items 1, 3 and 6.)

One build of the tiny dataset carries every payload at once (study.yaml strings,
instrument labels, the dataset's own text, secret ids and free text, a file
elsewhere on the machine that the payloads point at); the tests read its
outputs as a reader, a PDF tool and a browser would. The build is made once
per module (about a minute on two cores).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from browser import browse, needs_chromium
from pypdf import PdfReader
from test_security_render import markup_problems
from tiny import tiny_tables, write_dataset

from via_reports.cli import main
from via_reports.report.build import _remove_stale_staging
from via_reports.report.freshness import is_up_to_date

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
#: Every secret carries this word: ids, free text and the file elsewhere.
SECRET = "GEHEIM"


def payload(secret_file: Path) -> str:
    return (f'<a rel="attachment" href="file://{secret_file}">bijlage</a> <img src="file://{secret_file}"> '
            '<script>alert("xss")</script> <iframe src="https://evil.example/"></iframe> '
            "[/] [link=https://evil.example]klik[/link] {{ 7*7 }} &lt;b&gt; javascript:alert(1)")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    secret_file = root / "elsewhere" / "raw.csv"
    secret_file.parent.mkdir()
    secret_file.write_text(f"participant_id,note\n{SECRET}01X,{SECRET} BESTAND vrije tekst\n")
    attack = payload(secret_file)
    study, frames = tiny_tables()
    ids = dict(zip([f"P{k}" for k in range(1, 9)] + ["C1", "C2", "C3"], [f"{SECRET}{k:02d}X" for k in range(1, 12)]))
    for frame in frames.values():
        if "participant_id" in frame:
            frame["participant_id"] = frame["participant_id"].map(ids)
    frames["barriers"].loc[frames["barriers"].barrier == "other", "other_text"] = f"{SECRET} TEXT rugklachten"
    frames["non_use_reasons"].loc[frames["non_use_reasons"].reason == "other", "other_text"] = f"{SECRET} TEXT taal"
    study.update(client=f"Gemeente {attack}", title=f"Titel {attack}", pilot_name=f"Pilot {attack}",
                 authors=[f"A. Auteur {attack}"], contributors=[attack], cover_photo_credit=attack,
                 download_url="javascript:alert(1)")
    frames["instruments"].loc[0, "label_nl"] = f"Power {attack}"
    frames["instruments"].loc[1, "label_nl"] = '=HYPERLINK("https://evil.example","klik")'
    frames["instruments"].loc[2, "label_nl"] = "Taalcoach " + "lang " * 2_000
    data = write_dataset(root / "data", study, frames)
    (data / "text" / "nl").mkdir(parents=True)
    (data / "text" / "nl" / "introduction.md").write_text(
        "# Inleiding\n\n"
        f"Voor {{{{ study.client }}}}.[^1]\n\n{attack}\n\n"
        f'<link rel="attachment" href="file://{secret_file}">\n\n'
        "[web](https://example.org/info) [js](javascript:alert(1)) "
        f"[bestand](file://{secret_file}) [lokaal]({secret_file}) <file://{secret_file}>\n\n"
        f"[^1]: Zie ook [de bron](file://{secret_file}) en [de site](https://example.org/bron).\n",
        encoding="utf-8")
    out = root / "out"
    status = main(["build", str(data), "--out", str(out), "--wave", "T1", "--min-n", "2", "--quiet"])
    return {"status": status, "out": out, "data": data, "secret_file": secret_file, "root": root}


def pdf_bytes(path: Path) -> bytes:
    """The PDF with every compressed stream inflated: what any PDF tool can read from it."""
    raw = path.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        try:
            parts.append(zlib.decompressobj().decompress(raw[match.end():match.end() + 5_000_000]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def embedded_files(path: Path) -> list[str]:
    """Attachments in the PDF's name tree and file-attachment annotations on its pages."""
    reader = PdfReader(str(path))
    found = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                found.append(str(annotation.get("/FS", {}).get("/F")))
    return found


def test_the_hostile_dataset_builds(hostile):
    assert hostile["status"] == 0
    assert (hostile["out"] / "report.pdf").is_file() and (hostile["out"] / "report.html").is_file()


def test_the_pdf_carries_no_attachment_and_no_outside_link(hostile):
    pdf = hostile["out"] / "report.pdf"
    assert embedded_files(pdf) == []
    inflated = pdf_bytes(pdf)
    assert b"/EmbeddedFile" not in inflated and b"/FileAttachment" not in inflated
    assert b"/URI" not in inflated, "the PDF links only inside itself"
    assert b"/JavaScript" not in inflated and b"/Launch" not in inflated


def test_no_id_free_text_or_outside_file_reaches_any_output(hostile):
    out = hostile["out"]
    haystacks = {"report.pdf (text)": pdf_text(out / "report.pdf"),
                 "report.pdf (bytes)": pdf_bytes(out / "report.pdf").decode("latin-1")}
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            haystacks[str(path.relative_to(out))] = path.read_text(encoding="utf-8")
    assert any(name.startswith("notebooks/") for name in haystacks)
    assert any(name.startswith("figures/") for name in haystacks)
    leaks = [name for name, text in haystacks.items() if SECRET in text]
    assert leaks == [], f"{SECRET} found in {leaks}"


def test_payloads_are_shown_as_the_text_they_are(hostile):
    text = re.sub(r"\s+", " ", pdf_text(hostile["out"] / "report.pdf"))
    assert "<script>alert" in text and "{{ 7*7 }}" in text and "[link=https://evil.example]klik[/link]" in text
    assert "Gemeente <a rel" in text, "the client from study.yaml, as typed"
    page = (hostile["out"] / "report.html").read_text()
    assert "Gemeente &lt;a rel=" in page and "&lt;script&gt;alert(" in page


def test_no_markup_from_the_data_in_the_html(hostile):
    assert markup_problems((hostile["out"] / "report.html").read_text()) == []


def test_web_links_of_the_text_only_in_the_html(hostile):
    page = (hostile["out"] / "report.html").read_text()
    assert '<a href="https://example.org/info" rel="noopener noreferrer">web</a>' in page
    assert 'href="https://example.org/bron"' in page, "a link in a footnote follows the same rules"
    assert "web" in pdf_text(hostile["out"] / "report.pdf")


def test_the_manifest_lists_every_output_with_its_sha256(hostile):
    import hashlib

    out = hostile["out"]
    outputs = json.loads((out / "manifest.json").read_text())["outputs"]
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(outputs) == files
    for name, digest in outputs.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


@needs_chromium
def test_a_browser_renders_every_chart_under_the_policy_and_runs_nothing_else(hostile, tmp_path):
    out = hostile["out"]
    page = (out / "report.html").read_text()
    figures = len(json.loads((out / "manifest.json").read_text())["figures"])
    injected = tmp_path / "injected.html"  # as if a payload had slipped through as markup after all
    injected.write_text(page.replace("</main>", '<script>document.title = "INJECTED";</script>'
                                                '<img src="https://evil.example/pixel.png"></main>'))

    dom, console = browse(out / "report.html")
    assert dom.count('class="chart-wrapper"') == figures, "vega-embed drew every chart"
    assert "Content Security Policy" not in console and "Refused" not in console, console
    dom, console = browse(injected)
    assert "<title>INJECTED" not in dom
    assert "Content Security Policy" in console and "evil.example/pixel.png" in console


# --------------------------------------------------------------------------- the output folder

def test_a_rebuild_never_deletes_a_file_it_did_not_write(hostile, capsys):
    out = hostile["out"]
    for mine in (out / "notes.txt", out / "figures" / "my-chart.png", out / ".aantekening"):
        mine.write_text("years of work")
        assert main(["build", str(hostile["data"]), "--out", str(out), "--wave", "T1", "--min-n", "2"]) == 2
        printed = capsys.readouterr().out
        assert "an earlier build did not write" in printed and str(mine.relative_to(out)) in printed
        assert mine.read_text() == "years of work"
        mine.unlink()
    assert main(["build", str(hostile["data"]), "--out", str(out), "--wave", "T1", "--min-n", "2"]) == 0
    assert "Up to date" in capsys.readouterr().out


def test_the_up_to_date_check_reads_the_files_not_their_names(hostile, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(hostile["out"], copy)
    key = json.loads((copy / "manifest.json").read_text())["report"]["build_key"]
    assert is_up_to_date(copy, key)
    pdf = copy / "report.pdf"
    pdf.write_bytes(pdf.read_bytes()[:1000])  # a truncated copy, still a file of that name
    assert not is_up_to_date(copy, key)
    shutil.copy2(hostile["out"] / "report.pdf", pdf)
    csv = next((copy / "figures").glob("*.csv"))
    csv.write_text(csv.read_text().replace("1", "2"))
    assert not is_up_to_date(copy, key)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_staging_folders_of_killed_builds_are_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    dead = _dead_pid()
    stale = tmp_path / f".report.building-{dead}-abc123"
    live = tmp_path / f".report.building-{os.getpid()}-def456"
    other = tmp_path / f".other.building-{dead}-ghi789"
    for folder in (stale, live, other):
        (folder / "notebooks").mkdir(parents=True)
    _remove_stale_staging(out)
    assert not stale.exists() and live.is_dir() and other.is_dir()


def test_a_build_killed_between_its_renames_gets_its_previous_report_back(tmp_path):
    out = tmp_path / "report"
    previous = tmp_path / f".report.old-{_dead_pid()}"
    previous.mkdir()
    (previous / "report.pdf").write_text("previous")
    _remove_stale_staging(out)
    assert (out / "report.pdf").read_text() == "previous" and not previous.exists()


def test_the_private_folder_of_a_killed_build_goes_with_the_next_build(tmp_path, monkeypatch):
    """A killed build leaves its snapshot (the dataset's rows) in the temporary folder: the next build removes it."""
    import tempfile

    from via_reports.report.freshness import BuildInputs, BuildOptions
    from via_reports.report.kernel_start import PRIVATE_PREFIX, BuildKernels

    import fcntl

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"{PRIVATE_PREFIX}{_dead_pid()}-abc"
    live = tmp_path / f"{PRIVATE_PREFIX}{os.getpid()}-def"
    elsewhere = tmp_path / f"{PRIVATE_PREFIX}{_dead_pid()}-ghi"  # a live build in another PID namespace
    unlocked = tmp_path / f"{PRIVATE_PREFIX}{_dead_pid()}-jkl"  # killed before it locked: kept for an hour
    other = tmp_path / f"{PRIVATE_PREFIX}not-a-build"
    huge = tmp_path / f"{PRIVATE_PREFIX}{10**15}-mno"  # no process number: neither an error nor removed
    for folder in (dead, live, elsewhere, unlocked, other, huge):
        folder.mkdir()
        (folder / "dataset.pickle").write_bytes(b"rows")
    for folder in (dead, live, elsewhere):
        (folder / ".lock").write_bytes(b"")
    held = os.open(elsewhere / ".lock", os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        kernels = BuildKernels.create(BuildInputs(BuildOptions(out=tmp_path / "report", wave="T1").resolved()))
    finally:
        os.close(held)
    try:
        assert not dead.exists()
        assert live.is_dir() and elsewhere.is_dir() and unlocked.is_dir() and other.is_dir() and huge.is_dir()
        assert kernels.private.parent == tmp_path and kernels.private.name.startswith(f"{PRIVATE_PREFIX}{os.getpid()}-")
    finally:
        kernels.close()
    assert not kernels.private.exists()


RENDERER_POOL = """
import os, time
from via_reports.render.process import Renderer

if __name__ == "__main__":
    renderer = Renderer(parallel=True)
    print(renderer.pool.submit(os.getpid).result(), flush=True)
    renderer.pool.submit(time.sleep, 600)
    time.sleep(600)
"""


def test_the_renderer_process_dies_with_a_killed_build(tmp_path):
    """The HTML renderer runs in a spawned process; SIGKILL to the build must not leave it running."""
    script = tmp_path / "pool.py"
    script.write_text(RENDERER_POOL)
    build = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    renderer = int(build.stdout.readline())
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(renderer):
        time.sleep(0.1)
    assert not _alive(renderer)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits for init


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        found |= {int(c) for c in children}
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_stopped_build_leaves_no_process_and_no_staging_behind(stop, tmp_path):
    data = write_dataset(tmp_path / "data", *tiny_tables())
    out = tmp_path / "report"
    build = subprocess.Popen([sys.executable, "-m", "via_reports", "build", str(data), "--out", str(out),
                              "--wave", "T1", "--quiet"])
    kernels: set[int] = set()
    staging: list[Path] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (kernels and staging):  # kernels start while the data are read
        kernels = _children(build.pid)
        staging = list(tmp_path.glob(".report.building-*"))
        time.sleep(0.2)
    assert kernels, "the build started its chapter notebooks"
    assert len(staging) == 1 and str(build.pid) in staging[0].name
    os.kill(build.pid, stop)
    status = build.wait(timeout=180)
    assert status == (143 if stop == signal.SIGTERM else -9)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in kernels):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in kernels), "the notebook kernels end with the build"
    assert not out.exists()
    if stop == signal.SIGKILL:  # no chance to clean up: the next build does
        assert staging[0].is_dir()
        _remove_stale_staging(out)
    assert not staging[0].exists()
