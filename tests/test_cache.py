"""The per-chapter cache and the up-to-date check: never a stale result, never a broken one.

The fast tests here look at the keys and the entries themselves; the slow
ones build the tiny dataset and watch which chapters run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from via_reports.chapters.cache import OUTPUT_DIR_MARK, ChapterCache, chapter_key, shared_key_parts
from via_reports.chapters.execute import notebook_template
from via_reports.exceptions import TextError
from via_reports.fingerprints import theme_hash

ROOT = Path(__file__).resolve().parents[1]

INPUTS = {"data_dir": "", "data": "demo", "wave": "T1", "kind": None, "language": None, "min_n": 10,
          "alpha": 0.05, "theme": "default"}


def key(**changes):
    values = {"chapter": "barriers", "notebook": notebook_template("barriers"), "inputs": INPUTS} | changes
    return chapter_key(**values, shared=shared_key_parts(theme_hash(values["inputs"]["theme"])))


def test_a_chapter_key_changes_with_every_input(tmp_path, monkeypatch):
    import via_reports.version

    base = key()
    assert key() == base
    assert key(chapter="participants", notebook=notebook_template("participants")) != base
    for name, value in [("data", "abc"), ("wave", "T0"), ("language", "en"), ("min_n", 5), ("alpha", 0.01),
                        ("kind", "final"), ("theme", "neutral"), ("data_dir", "/data")]:
        assert key(inputs=INPUTS | {name: value}) != base, name
    edited = tmp_path / "barriers.ipynb"
    edited.write_bytes(notebook_template("barriers").read_bytes().replace(b"Ervaren", b"Ervaarde"))
    assert key(notebook=edited) != base
    monkeypatch.setattr(via_reports.version, "__version__", "9.9.9")
    assert key() != base


def test_a_build_hashes_the_code_and_reads_its_inputs_once_for_all_its_keys(tmp_path, monkeypatch):
    """The build key and the seven chapter keys share one hashing of the code, the data and study.yaml."""
    from tiny import tiny_tables, write_dataset

    from via_reports import fingerprints
    from via_reports.chapters import cache
    from via_reports.chapters.registry import computed_chapters
    from via_reports.report import freshness
    from via_reports.report.chapter_runs import ChapterRuns
    from via_reports.report.kernel_start import chapter_inputs
    from via_reports.report.freshness import BuildInputs, BuildOptions

    data = write_dataset(tmp_path / "data", *tiny_tables())
    calls = {"code": 0, "data": 0, "study": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(cache, "code_hash", counted("code", cache.code_hash))
    monkeypatch.setattr(freshness, "data_hashes", counted("data", fingerprints.data_hashes))
    monkeypatch.setattr(freshness, "read_small_yaml", counted("study", freshness.read_small_yaml))
    inputs = BuildInputs(BuildOptions(data_dir=data, wave="T1", cache_dir=tmp_path / "cache").resolved())
    inputs.key
    runs = ChapterRuns(inputs, lambda *event: None, {})
    runs.close()
    assert calls == {"code": 1, "data": 1, "study": 1}
    # the same keys as each chapter hashing everything itself
    for chapter in computed_chapters():
        alone = chapter_key(chapter, notebook_template(chapter), chapter_inputs(BuildInputs(inputs.options)),
                            shared_key_parts(theme_hash(inputs.options.theme)))
        assert runs.keys[chapter] == alone


def test_the_data_are_their_files_but_not_their_texts(tmp_path):
    from tiny import tiny_tables, write_dataset

    from via_reports.fingerprints import data_hashes, tree_hash

    data = write_dataset(tmp_path / "data", *tiny_tables())
    base = data_hashes(data)
    assert base.files == base.without_texts == tree_hash(data)  # no texts yet: one and the same
    (data / "text" / "nl").mkdir(parents=True)
    (data / "text" / "nl" / "conclusions.md").write_text("# Eigen\n")
    with_text = data_hashes(data)
    assert with_text.without_texts == base.without_texts == tree_hash(data, skip=("text",))
    assert with_text.files == tree_hash(data) != base.files  # the build key does see the text
    table = data / "barriers.csv"
    table.write_text(table.read_text().replace("\n", "\r\n"))
    assert data_hashes(data).without_texts != base.without_texts


def test_a_text_or_another_notebook_is_no_input_of_a_chapter_but_the_wording_is(tmp_path, monkeypatch):
    base = key()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    monkeypatch.setenv("VIA_REPORTS_TEMPLATES", str(templates))
    assert key() == base
    (templates / "text" / "nl" / "conclusions.md").write_text("# Conclusie\n\nAnders.\n")
    other = templates / "notebooks" / "participants.ipynb"
    other.write_bytes(other.read_bytes().replace(b"Gegevens", b"De gegevens"))
    assert key() == base
    wording = next((templates / "pdf" / "wording").rglob("*.*"))
    wording.write_text(wording.read_text() + "\n")
    assert key() != base


def test_a_theme_folder_is_hashed_by_content(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "templates" / "pdf" / "themes" / "neutral", theme)
    base = key(inputs=INPUTS | {"theme": str(theme)})
    (theme / "theme.yaml").write_text((theme / "theme.yaml").read_text() + "\n# a comment\n")
    assert key(inputs=INPUTS | {"theme": str(theme)}) != base


def _staging(folder: Path, text: str = "figure") -> Path:
    (folder / "notebooks").mkdir(parents=True)
    (folder / "figures").mkdir()
    (folder / "notebooks" / "barriers.ipynb").write_text(json.dumps({"output_dir": str(folder)}))
    (folder / "figures" / "barriers.by_wave.csv").write_text(f"wave,count\nT0,{text}\n")
    return folder


def test_an_entry_comes_back_into_another_staging_folder(tmp_path):
    cache = ChapterCache(tmp_path / "cache")
    cache.store("barriers", "k1", _staging(tmp_path / "first"), ["barriers.by_wave"])
    stored = (tmp_path / "cache" / "chapters" / "k1" / "notebooks" / "barriers.ipynb").read_text()
    assert OUTPUT_DIR_MARK in stored and str(tmp_path / "first") not in stored
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0  # nobody else on the machine reads it
    second = tmp_path / "second"
    assert cache.restore("barriers", "k1", second)
    assert json.loads((second / "notebooks" / "barriers.ipynb").read_text()) == {"output_dir": str(second)}
    assert (second / "figures" / "barriers.by_wave.csv").read_text() == "wave,count\nT0,figure\n"
    assert not cache.restore("barriers", "k2", tmp_path / "third")
    assert not cache.restore("participants", "k1", tmp_path / "fourth")  # another chapter's entry


@pytest.mark.parametrize("damage", ["changed", "missing", "listing"])
def test_a_damaged_entry_is_thrown_away(tmp_path, damage):
    cache = ChapterCache(tmp_path / "cache")
    cache.store("barriers", "k1", _staging(tmp_path / "first"), ["barriers.by_wave"])
    entry = tmp_path / "cache" / "chapters" / "k1"
    if damage == "changed":
        (entry / "figures" / "barriers.by_wave.csv").write_text("wave,count\nT0,999\n")
    elif damage == "missing":
        (entry / "figures" / "barriers.by_wave.csv").unlink()
    else:
        (entry / "entry.json").write_text("{not json")
    assert not cache.restore("barriers", "k1", tmp_path / "second")
    assert not entry.exists()


def test_no_cache_folder_means_no_cache(tmp_path):
    cache = ChapterCache(None)
    cache.store("barriers", "k1", _staging(tmp_path / "first"), ["barriers.by_wave"])
    assert not cache.restore("barriers", "k1", tmp_path / "second")


def test_the_cache_keeps_the_chapters_run_times(tmp_path):
    cache = ChapterCache(tmp_path / "cache")
    assert cache.seconds() == {}
    cache.record_seconds({"barriers": 1.23456, "effects": 3.0})
    cache.record_seconds({"barriers": 0.5})  # the last run counts; the others stay
    assert cache.seconds() == {"barriers": 0.5, "effects": 3.0}
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["chapter-seconds.json"]  # no temporary left
    assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"
    assert ChapterCache(None).seconds() == {}
    ChapterCache(None).record_seconds({"barriers": 1.0})  # no cache: nothing kept, nothing fails


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "", '"text"'])
def test_an_unreadable_record_of_run_times_is_no_record(tmp_path, content):
    (tmp_path / "chapter-seconds.json").write_text(content)
    assert ChapterCache(tmp_path).seconds() == {}


def test_only_plausible_run_times_are_believed(tmp_path):
    (tmp_path / "chapter-seconds.json").write_text(json.dumps(
        {"barriers": 1.5, "effects": -1, "participants": "2", "instruments": True, "satisfaction": 1e999,
         "participation": 0}))
    assert ChapterCache(tmp_path).seconds() == {"barriers": 1.5, "participation": 0.0}


def test_the_longest_chapters_run_first():
    from via_reports.chapters.registry import chapter_spec, computed_chapters
    from via_reports.report.chapter_runs import schedule

    final = computed_chapters("final")
    assert all(chapter_spec(c).seconds > 0 for c in final)  # every chapter has an expectation
    interim = computed_chapters("interim")
    typical = {c: chapter_spec(c).seconds for c in interim}
    # nothing recorded: the typical times, longest first; equal times keep the report's order
    expected = [c for _, _, c in sorted((-typical[c], i, c) for i, c in enumerate(interim))]
    assert schedule(interim, {}) == expected
    assert len(set(typical.values())) > 2 and expected != interim  # the order really changes
    # what the cache recorded comes first; a chapter nobody knows runs last
    recorded = {c: float(i + 1) * 10 for i, c in enumerate(interim)}
    assert schedule(interim + ["new"], recorded) == [*reversed(interim), "new"]
    recorded = {interim[-1]: 99.0, interim[0]: 0.01}
    order = schedule(interim + ["new"], recorded)
    assert order[0] == interim[-1] and order[-2:] == [interim[0], "new"]


def test_the_vega_bundle_is_made_once_per_version_of_vl_convert(tmp_path, monkeypatch):
    import vl_convert

    from via_reports.theme import cache as render_cache
    from via_reports.theme.cache import RenderCache
    from via_reports.render.html import vega_embed_bundle

    made = []
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda: made.append(1) or "/* vega */")
    for _ in range(2):
        monkeypatch.setattr(render_cache, "_MEMORY", {})  # each time a new process
        assert vega_embed_bundle(RenderCache(tmp_path)) == "/* vega */"
    assert made == [1]


def test_the_oldest_entries_go_beyond_the_limit(tmp_path, monkeypatch):
    from via_reports.chapters import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 2)
    cache = ChapterCache(tmp_path / "cache")
    for number in range(3):
        cache.store("barriers", f"k{number}", _staging(tmp_path / f"s{number}"), ["barriers.by_wave"])
        time.sleep(0.02)
    assert sorted(p.name for p in (tmp_path / "cache" / "chapters").iterdir()) == ["k1", "k2"]


# --------------------------------------------------------------------------- texts are checked first

def test_a_typo_in_a_text_is_found_before_anything_runs(tmp_path):
    from via_reports.chapters.registry import chapters_for
    from via_reports.report.text_check import check_texts

    own = tmp_path / "data" / "text" / "nl"
    own.mkdir(parents=True)
    (own / "conclusions.md").write_text("# Conclusies\n\nVan de {{ n('participants.age_sex') }} deelnemers.\n\n"
                                        "Er waren {{ cuont('participants.age_sex', sex='f') }} vrouwen\n"
                                        "({{ fig('participants.agesex') }}).\n{% for x in range(3) %}{{ x }}"
                                        "{{ loop.index }}{% endfor %}\n")
    (own / "introduction.md").write_text("# Inleiding\n\n{{ n('participants.age_sex' }}\n")
    specs = chapters_for("interim")
    with pytest.raises(TextError) as caught:
        check_texts(specs, [s.id for s in specs], "nl", tmp_path / "data")
    message = str(caught.value)
    assert "conclusions.md, line 5: unknown name 'cuont'" in message
    assert "conclusions.md, line 6: unknown figure 'participants.agesex' in fig()" in message
    assert "introduction.md, line 3:" in message  # a syntax error, in the same report of every problem
    assert "'x'" not in message and "'loop'" not in message
    assert len(message.splitlines()) == 3


def test_our_own_texts_pass_the_check():
    from via_reports.chapters.registry import TEXT_APPENDICES, chapters_for
    from via_reports.report.text_check import check_texts

    for kind in ("interim", "final"):
        specs = chapters_for(kind)
        for language in ("nl", "en"):
            check_texts(specs, [s.id for s in specs] + [s.id for s in TEXT_APPENDICES], language, None)


def test_a_figure_of_the_final_report_is_unknown_in_an_interim_report(tmp_path):
    from via_reports.chapters.registry import chapters_for
    from via_reports.report.text_check import check_texts

    own = tmp_path / "text" / "nl"
    own.mkdir(parents=True)
    (own / "conclusions.md").write_text("# C\n\n{{ n('effects.outcomes') }}\n")
    check_texts(chapters_for("final"), ["conclusions"], "nl", tmp_path)
    with pytest.raises(TextError, match="line 3: unknown figure 'effects.outcomes'"):
        check_texts(chapters_for("interim"), ["conclusions"], "nl", tmp_path)


# --------------------------------------------------------------------------- the up-to-date check

def test_the_build_key_is_of_the_resolved_options(tmp_path):
    """An option left to report.yaml or its default gives the key of the same option given."""
    from tiny import tiny_tables, write_dataset

    from via_reports.report.freshness import BuildOptions, build_key

    data = write_dataset(tmp_path / "data", *tiny_tables())
    left = build_key(BuildOptions(data_dir=data, wave="T1"))
    assert build_key(BuildOptions(data_dir=data, wave="T1", theme="default", min_n=10)) == left
    assert build_key(BuildOptions(data_dir=data, wave="T1", language="nl")) == left  # study.yaml's language
    assert build_key(BuildOptions(data_dir=data, wave="T1", language="en")) != left
    assert build_key(BuildOptions(data_dir=data, wave="T1", theme="neutral")) != left
    theme = data / "theme"
    shutil.copytree(ROOT / "templates" / "pdf" / "themes" / "neutral", theme)
    (data / "report.yaml").write_text("theme: theme\n")
    own = build_key(BuildOptions(data_dir=data, wave="T1"))
    assert own != left and build_key(BuildOptions(data_dir=data, wave="T1", theme=str(theme))) == own
    (theme / "theme.css").write_text((theme / "theme.css").read_text() + "\n/* a comment */\n")
    assert build_key(BuildOptions(data_dir=data, wave="T1")) != own


def test_the_command_line_answers_up_to_date_without_pandas(tmp_path):
    """An up-to-date build imports neither pandas nor Jupyter nor a renderer."""
    from via_reports.fingerprints import file_hash
    from via_reports.report.freshness import BuildOptions, build_key

    out = tmp_path / "report"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF")
    options = BuildOptions(out=out, wave="T1")
    manifest = {"report": {"build_key": build_key(options)},
                "outputs": {"report.pdf": file_hash(out / "report.pdf")}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    probe = ("import sys; from via_reports.cli import main; status = main(['build', '--out', sys.argv[1], "
             "'--wave', 'T1']); heavy = [m for m in ('pandas', 'nbformat', 'jupyter_client', 'weasyprint', "
             "'altair') if m in sys.modules]; print(status, heavy)")
    result = subprocess.run([sys.executable, "-c", probe, str(out)], capture_output=True, text=True, check=True)
    assert "Up to date" in result.stdout
    assert result.stdout.strip().endswith("0 []"), result.stdout
    from via_reports.report.freshness import BuildInputs, is_built

    def built(options):
        return is_built(BuildInputs(options.resolved()))

    assert built(options)
    (out / "notebooks").mkdir()  # an empty folder of the user's: the build would refuse the folder
    assert not built(options)
    (out / "notebooks").rmdir()
    (out / "report.pdf").write_bytes(b"%PDF changed")
    assert not built(options)
    assert not built(BuildOptions(out=out, wave="T1", force=True))
    assert not built(BuildOptions(out=out, wave="T1", min_n=5))


# --------------------------------------------------------------------------- builds with the cache

def _build(data: Path, out: Path, cache_dir: Path, timings: dict | None = None, **options):
    """The chapters that ran and those from the cache; ``timings``: filled with the build's."""
    from via_reports.chapters.registry import computed_chapters
    from via_reports.report.build import BuildOptions, build_report

    events: list[tuple[str, str]] = []
    result = build_report(BuildOptions(data_dir=data, out=out, wave="T1", min_n=2, cache_dir=cache_dir, **options),
                          lambda chapter, event, seconds: events.append((chapter, event)))
    if timings is not None:
        timings.update(result.timings)
    chapters = set(computed_chapters("interim"))
    return {c for c, event in events if event == "start" and c in chapters}, \
        {c for c, event in events if event == "cached"}


def _pdf_text(out: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(out / "report.pdf")).pages)
    return " ".join(text.split())  # a sentence may be broken over two lines


def _figures(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "figures").glob("*.csv"))}


@pytest.mark.slow
def test_only_what_changed_runs_again(tmp_path, monkeypatch):
    from tiny import tiny_tables, write_dataset

    from via_reports.chapters.registry import computed_chapters
    from via_reports.theme import cache as render_cache

    chapters = set(computed_chapters("interim"))
    data = write_dataset(tmp_path / "data", *tiny_tables())
    cache = tmp_path / "cache"
    # the notebooks render every chart for their own output and keep it in the build's cache: the
    # build's render (in this process) renders none again
    timings: dict[str, float] = {}
    with monkeypatch.context() as patch:
        patch.setattr(render_cache, "_MEMORY", {})
        patch.setattr(render_cache, "render_svg", lambda *args, **kwargs: pytest.fail("a chart rendered twice"))
        ran, cached = _build(data, tmp_path / "first", cache, timings)
    assert ran == chapters and not cached
    # the cache keeps each chapter's own run time: without the wait for a kernel to start, which
    # the first chapter on each kernel spends (the kernel's start and imports: 1 s or more)
    seconds = ChapterCache(cache).seconds()
    assert set(seconds) == chapters
    assert all(0 < seconds[c] <= timings[f"notebook:{c}"] + 0.001 for c in chapters)
    assert sum(timings[f"notebook:{c}"] - seconds[c] for c in chapters) > 0.5
    figures = json.loads((tmp_path / "first" / "manifest.json").read_text())["figures"]
    assert len(list((cache / "render" / "svg").iterdir())) == len(figures) > 10
    first_pdf, first_figures = _pdf_text(tmp_path / "first"), _figures(tmp_path / "first")

    # the same inputs elsewhere: every chapter from the cache, the same report
    ran, cached = _build(data, tmp_path / "second", cache)
    assert not ran and cached == chapters
    assert _figures(tmp_path / "second") == first_figures
    assert _pdf_text(tmp_path / "second") == first_pdf
    notebook = (tmp_path / "second" / "notebooks" / "barriers.ipynb").read_text()
    # the executed notebook names the folder it was built into, relative to its parent (issue 26: no local path)
    assert '"second/notebooks/' in notebook and str(tmp_path) not in notebook and OUTPUT_DIR_MARK not in notebook

    # a one-line text edit re-renders only, and the edit is in the PDF
    own = data / "text" / "nl"
    own.mkdir(parents=True)
    conclusions = (ROOT / "templates" / "text" / "nl" / "conclusions.md").read_text()
    (own / "conclusions.md").write_text(conclusions + "\nEen zin die er nu bij is.\n")
    from via_reports.render import process

    pools, render = [], process.Renderer.render
    with monkeypatch.context() as patch:  # no chapter runs first: the HTML renders in the build's own process
        patch.setattr(process.Renderer, "render", lambda self, *args: pools.append(self.pool) or render(self, *args))
        ran, cached = _build(data, tmp_path / "second", cache)
    assert not ran and cached == chapters and pools == [None]
    assert "Een zin die er nu bij is." in _pdf_text(tmp_path / "second")

    # a typo fails before any chapter runs, naming file and line; the last report stays
    (own / "conclusions.md").write_text(conclusions + "\n{{ cuont('participants.age_sex') }}\n")
    with pytest.raises(TextError, match=r"conclusions.md, line \d+: unknown name 'cuont'"):
        _build(data, tmp_path / "second", cache, force=True)
    assert "Een zin die er nu bij is." in _pdf_text(tmp_path / "second")
    (own / "conclusions.md").unlink()

    # other data: every chapter runs again (the data are an input of each)
    study, frames = tiny_tables()
    frames["barriers"] = frames["barriers"].iloc[1:]
    write_dataset(tmp_path / "data2", study, frames)
    shutil.rmtree(data)
    shutil.move(tmp_path / "data2", data)
    from via_reports.report import chapter_runs

    schedules = []
    with monkeypatch.context() as patch:  # the order comes from the run times the cache kept
        patch.setattr(chapter_runs, "schedule", lambda *given: schedules.append(given) or given[0])
        ran, cached = _build(data, tmp_path / "second", cache)
    assert ran == chapters and not cached
    assert schedules == [(list(computed_chapters("interim")), seconds)]
    assert _figures(tmp_path / "second") != first_figures

    # no cache: every chapter runs, and the cache is not touched
    before = sorted(p.name for p in (cache / "chapters").iterdir())
    ran, cached = _build(data, tmp_path / "third", cache, cache=False)
    assert ran == chapters and not cached
    assert sorted(p.name for p in (cache / "chapters").iterdir()) == before


def test_a_large_dataset_runs_its_chapters_on_one_kernel(tmp_path, monkeypatch):
    """Each kernel holds the whole dataset: above LARGE_DATA_BYTES of tables a build starts one, whatever --jobs says."""
    from tiny import tiny_tables, write_dataset

    from via_reports.chapters.registry import computed_chapters
    from via_reports.report import chapter_runs, kernel_start
    from via_reports.report.freshness import BuildInputs, BuildOptions

    data = write_dataset(tmp_path / "data", *tiny_tables())
    tables = sum(p.stat().st_size for p in data.iterdir() if p.is_file())
    (data / "text" / "nl").mkdir(parents=True)
    (data / "text" / "nl" / "conclusions.md").write_text("# Eigen\n" + "tekst " * 10_000)  # texts do not count
    (data / "elsewhere.csv").symlink_to(tmp_path / "big.csv")  # nor a link (the build refuses it anyway)
    (tmp_path / "big.csv").write_bytes(b"x" * 100_000)
    assert kernel_start.data_bytes(data) == tables
    assert kernel_start.data_bytes(None) == 0  # the demo

    started = []
    monkeypatch.setattr(kernel_start, "WarmKernels", lambda count, env: started.append(count))
    for limit, kernels in [(tables, 3), (tables - 1, 1)]:  # at the limit: --jobs kernels; one byte over: one
        monkeypatch.setattr(kernel_start, "LARGE_DATA_BYTES", limit)
        inputs = BuildInputs(BuildOptions(data_dir=data, wave="T1", jobs=3, cache=False).resolved())
        runs = chapter_runs.ChapterRuns(inputs, lambda *event: None, {})
        try:
            assert runs.parallel_chapters == kernels
            runs.start_kernels(computed_chapters("interim"))
        finally:
            runs.build_kernels.kernels = None  # nothing was started
            runs.close()
        assert started[-1] == kernels


def test_the_build_hands_its_dataset_to_the_kernels_and_takes_it_back(tmp_path):
    """While the chapters run, the snapshot is the build's only copy of the rows; it comes back unchanged."""
    import pandas as pd
    from tiny import tiny_tables, write_dataset

    from via_reports.data.dataset import load_dataset
    from via_reports.data.snapshot import validated_dataset
    from via_reports.report.chapter_runs import ChapterRuns
    from via_reports.report.freshness import BuildInputs, BuildOptions

    data = write_dataset(tmp_path / "data", *tiny_tables())
    dataset = load_dataset(data, None)
    runs = ChapterRuns(BuildInputs(BuildOptions(data_dir=data, wave="T1", cache=False).resolved()),
                       lambda *event: None, {})
    try:
        with pytest.raises(RuntimeError, match="hand_over"):
            runs.run(["barriers"], {}, tmp_path / "staging")
        with pytest.raises(RuntimeError, match="hand_over"):
            runs.take_back()
        runs.hand_over(dataset, {"data_dir": str(data), "language": "nl"})
        back = runs.take_back()
        assert back is not dataset and back.fingerprint == dataset.fingerprint
        for name in ("participants", "responses"):
            pd.testing.assert_frame_equal(getattr(back, name), getattr(dataset, name))
        # what a kernel of this build reads instead of validating again
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("VIA_REPORTS_VALIDATED_DATASET", str(runs.snapshot))
            pd.testing.assert_frame_equal(validated_dataset(str(data), "nl").responses, dataset.responses)
    finally:
        runs.close()
    assert not runs.snapshot.exists()  # the rows do not outlive the build


# --------------------------------------------------------------------------- a cold build's early kernels

EARLY_START = """
import json, sys
from pathlib import Path
from via_reports.report import kernel_start
from via_reports.report.freshness import BuildInputs, BuildOptions
started = []
kernel_start.WarmKernels = lambda count, env: started.append([count, sorted(env)])
inputs = BuildInputs(BuildOptions(out=Path(sys.argv[1]), wave="T1", jobs=2, cache_dir=Path(sys.argv[2])).resolved())
kernels = kernel_start.start_for_cold_build(inputs)
print(json.dumps({"started": started, "pandas": "pandas" in sys.modules, "private": str(kernels.private)}))
kernels.close()
"""


def test_a_cold_build_starts_its_kernels_before_anything_imports_pandas(tmp_path):
    import json
    import subprocess
    import sys

    from via_reports.data.snapshot import SNAPSHOT_VARIABLE
    from via_reports.options import CACHE_FOLDER_VARIABLE

    result = subprocess.run([sys.executable, "-c", EARLY_START, str(tmp_path / "report"), str(tmp_path / "cache")],
                            capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout)
    assert seen["started"] == [[2, sorted([CACHE_FOLDER_VARIABLE, SNAPSHOT_VARIABLE])]]
    assert seen["pandas"] is False
    assert not Path(seen["private"]).exists()  # closed: the private folder went with the kernels


def test_a_build_the_cache_holds_a_chapter_of_starts_no_kernel_early(tmp_path, monkeypatch):
    """A text edit or one changed chapter: the build starts what the registry says it needs, after its imports."""
    from via_reports.chapters.cache import ChapterCache, chapter_key, shared_key_parts
    from via_reports.chapters.execute import notebook_template
    from via_reports.report import kernel_start
    from via_reports.report.freshness import BuildInputs, BuildOptions

    started = []
    monkeypatch.setattr(kernel_start, "WarmKernels", lambda count, env: started.append(count))
    inputs = BuildInputs(BuildOptions(out=tmp_path / "r", wave="T1", jobs=2, cache_dir=tmp_path / "c").resolved())
    key = chapter_key("barriers", notebook_template("barriers"), kernel_start.chapter_inputs(inputs),
                      shared_key_parts(inputs.theme))
    monkeypatch.setattr(ChapterCache, "has", lambda self, wanted: wanted == key)
    assert kernel_start.start_for_cold_build(inputs) is None and started == []
    monkeypatch.setattr(ChapterCache, "has", lambda self, wanted: False)
    isolated = BuildInputs(BuildOptions(out=tmp_path / "r", wave="T1", isolated=True).resolved())
    assert kernel_start.start_for_cold_build(isolated) is None and started == []
    cold = kernel_start.start_for_cold_build(inputs)
    try:
        assert started == [2] and cold.private.is_dir()
    finally:
        cold.kernels = None
        cold.close()
