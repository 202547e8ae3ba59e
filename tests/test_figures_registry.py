"""Every figure id: the registry, exact CSV columns, charts that render, no personal data, empty groups."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import vl_convert
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import (
    CHAPTERS,
    build_figure,
    chapter_comparisons,
    chapter_figure_ids,
    chapter_figures,
    chapter_spec,
    chapters_for,
    figure_spec,
)
from via_reports.figures.declaration import DECLARED
from via_reports.exceptions import ParameterError
from via_reports.figures.charts import DEFAULT_STYLE, ChartStyle
from via_reports.figures.subgroups import comparison_sentence

#: min_n = 3 so that satisfaction.power (3 users) is built too.
INTERIM = Scope(waves=("T0", "T1"), min_n=3)

#: The chapters of an interim report that have figures (the appendix of tests apart), from the registry.
INTERIM_FIGURE_CHAPTERS = [c.id for c in chapters_for("interim") if c.figures and not c.appendix]

#: Each figure's CSV columns as its declaration gives them (tests/test_figure_declarations.py checks the
#: declarations against the generated catalogue); a family by its member satisfaction.power.
EXPECTED_COLUMNS = {
    (spec.prefix + "power" if spec.is_family else spec.id): list(DECLARED[spec.id].columns)
    for chapter in INTERIM_FIGURE_CHAPTERS for spec in chapter_spec(chapter).figures
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def all_figures(tiny):
    return [figure for chapter in INTERIM_FIGURE_CHAPTERS for figure in chapter_figures(chapter, tiny, INTERIM)]


def test_chapters_and_their_figures():
    assert [c.id for c in CHAPTERS if c.figures] == [*INTERIM_FIGURE_CHAPTERS, "effects", "statistical_tests"]
    assert chapter_spec("satisfaction").figure_ids() == ["satisfaction.overall", "satisfaction.<instrument>"]
    # the declared order of the effects chapter is the report's order
    assert chapter_spec("effects").figure_ids() == ["effects.flow", "effects.outcomes", "effects.means",
                                                    "effects.baseline", "effects.nonresponse",
                                                    "effects.attrition", "effects.exit_paid_work"]
    # the tests behind the chapters' sentences are an appendix of every report
    tests = chapter_spec("statistical_tests")
    assert tests.appendix and tests.figure_ids() == ["subgroups.comparisons", "change.by_wave"]
    assert set(tests.reports) == {"interim", "final"}
    assert INTERIM_FIGURE_CHAPTERS == ["participants", "participation", "instruments", "barriers", "satisfaction"]


def test_every_figure_id_is_built(all_figures):
    assert [f.id for f in all_figures] == [
        *[fid for chapter in INTERIM_FIGURE_CHAPTERS for fid in chapter_spec(chapter).figure_ids()][:-1],
        "satisfaction.power",
    ]


def test_a_family_member_belongs_to_its_family_and_the_family_is_not_one_figure(tiny):
    assert figure_spec("satisfaction.power").id == "satisfaction.<instrument>"
    assert figure_spec("satisfaction.overall").id == "satisfaction.overall"
    with pytest.raises(ParameterError, match="one figure per member"):
        build_figure("satisfaction.<instrument>", tiny, INTERIM)


def test_unknown_chapter(tiny):
    with pytest.raises(ParameterError):
        chapter_figure_ids("appendix", tiny, INTERIM)


@pytest.mark.parametrize("figure_id", list(EXPECTED_COLUMNS))
def test_csv_columns_exactly_as_reports_md(tiny, figure_id, tmp_path):
    figure = build_figure(figure_id, tiny, INTERIM)
    assert list(figure.data.columns) == EXPECTED_COLUMNS[figure_id]
    path = figure.write_csv(tmp_path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(EXPECTED_COLUMNS[figure_id])
    if figure_id == "barriers.by_wave":
        # statistics v3, one denominator per measure: per wave, those who answered the barrier questions
        # (the tiny panel: P1..P4 at T0, P1, P2, P3, P5 at T1); the figure's n is the panel
        assert figure.n == 6 and list(figure.data["n"]) == [4] * len(figure.data)
    else:
        assert (figure.data["n"] == figure.n).all()


def test_csv_writes_booleans_and_one_decimal(tiny, tmp_path):
    figure = build_figure("participants.born_nl_prior_work", tiny, INTERIM)
    lines = figure.write_csv(tmp_path).read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [
        "true,true,2,25.0,8",
        "true,false,0,0.0,8",
        "false,true,3,37.5,8",
        "false,false,3,37.5,8",
    ]


def test_every_figure_object_is_complete(all_figures):
    for figure in all_figures:
        assert figure.title and figure.alt_text and figure.language == "nl"
        # a few sentences: what the figure shows, and per pair of waves what changed (paired tests)
        assert 1 <= len(figure.text) <= 6, figure.id
        assert isinstance(figure.table, pd.DataFrame) and len(figure.table) == len(figure.data)
        assert figure.n >= 0


@pytest.mark.slow
def test_every_chart_renders_to_svg(all_figures):
    for figure in all_figures:
        svg = vl_convert.vegalite_to_svg(figure.chart.to_json())
        assert svg.startswith("<svg"), figure.id


@pytest.mark.slow
def test_charts_render_in_english(tiny):
    english = Scope(waves=("T0", "T1"), language="en", min_n=3)
    for figure_id in ("participants.age_sex", "barriers.ease_paid_work", "participants.years_paid_work"):
        figure = build_figure(figure_id, tiny, english)
        assert "<svg" in vl_convert.vegalite_to_svg(figure.chart.to_json())


def test_chart_style_is_applied(tiny):
    style = ChartStyle(font="Source Sans 3", palette=("#111111", "#222222", "#333333"), width=300)
    figure = build_figure("participants.age_sex", tiny, INTERIM, style=style)
    spec = json.loads(figure.chart.to_json())
    assert spec["config"]["font"] == "Source Sans 3"
    assert "#111111" in figure.chart.to_json()
    assert DEFAULT_STYLE.font != style.font


def test_charts_embed_only_aggregated_rows(tiny, all_figures):
    """A chart's data are at most the figure's rows (box plot: one summary row plus markers)."""
    for figure in all_figures:
        spec = json.loads(figure.chart.to_json())
        for rows in spec.get("datasets", {}).values():
            assert len(rows) <= len(figure.data), figure.id


# --------------------------------------------------------------------------- privacy


def secret(frames):
    """Recognisable ids and free text, to be sure neither leaks into any output."""
    ids = {
        pid: f"SECRET-ID-{pid[1:]}" if pid.startswith("P") else f"SECRET-ID-C{pid[1:]}"
        for pid in frames["participants"]["participant_id"]
    }
    for frame in frames.values():
        if "participant_id" in frame:
            frame["participant_id"] = frame["participant_id"].map(ids)
    for table in ("barriers", "non_use_reasons"):
        frame = frames[table]
        frame["other_text"] = frame["other_text"].map(lambda v: None if v is None else "SECRET TEXT")


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_participant_id_or_free_text_in_any_output(tmp_path, language):
    dataset = load_tiny(tmp_path, secret)
    assert dataset.participants["participant_id"].str.startswith("SECRET-ID").all()
    assert (dataset.barriers["other_text"].dropna() == "SECRET TEXT").any()
    scope = Scope(waves=("T0", "T1"), language=language, min_n=1)
    figures = [f for chapter in INTERIM_FIGURE_CHAPTERS for f in chapter_figures(chapter, dataset, scope)]
    assert {f.id for f in figures} >= {"satisfaction.power", "satisfaction.taal_roc"}
    for figure in figures:
        outputs = [
            figure.data.to_csv(),
            figure.chart.to_json(),
            figure.alt_text,
            "\n".join(figure.text),
            "\n".join(figure.notes),
            figure.table.to_csv(),
            figure.title,
            json.dumps(figure.manifest_entry()),
        ]
        for output in outputs:
            assert "SECRET" not in output, figure.id
    for chapter in ("participants", "participation", "instruments", "barriers"):
        for comparison in chapter_comparisons(chapter, dataset, scope):
            assert "SECRET" not in json.dumps(comparison.row())
            assert "SECRET" not in comparison_sentence(comparison, language, scope.alpha)


# --------------------------------------------------------------------------- empty populations


def without_t2_responses_in_panel(frames):
    """Nobody of the pilot answered T2: the panel of a final report is empty."""
    responses = frames["responses"]
    frames["responses"] = responses[
        ~((responses["wave"] == "T2") & responses["participant_id"].str.startswith("P"))
    ]


@pytest.fixture(scope="module")
def empty_panel(tmp_path_factory):
    """A final report's scope in which nobody of the pilot answered T2, and its figures."""
    dataset = load_tiny(tmp_path_factory.mktemp("empty-panel"), without_t2_responses_in_panel)
    scope = Scope(waves=("T0", "T1", "T2"), kind="final")
    figures = {chapter: chapter_figures(chapter, dataset, scope) for chapter in INTERIM_FIGURE_CHAPTERS}
    return dataset, scope, figures


def test_figures_on_an_empty_panel(empty_panel, tmp_path):
    dataset, scope, figures = empty_panel
    for chapter, chapter_figures_ in figures.items():
        for figure in chapter_figures_:
            figure.write_csv(tmp_path / "figures")
            if chapter in ("participation", "barriers", "instruments", "satisfaction"):
                assert figure.n == 0, figure.id
                assert (figure.data.get("count", pd.Series([0])) == 0).all()
    assert build_figure("participants.age_sex", dataset, scope).n == 8
    assert chapter_comparisons("barriers", dataset, scope) == []


@pytest.mark.slow
def test_charts_of_an_empty_panel_render(empty_panel):
    for figure in (f for chapter_figures_ in empty_panel[2].values() for f in chapter_figures_):
        assert vl_convert.vegalite_to_svg(figure.chart.to_json()).startswith("<svg"), figure.id


def test_the_figure_catalogue_lists_every_registered_figure():
    """The catalogue is generated from the declarations (scripts/figure_catalogue.py), not kept in docs/."""
    from via_reports.chapters.figure_catalogue import figure_catalogue
    from via_reports.chapters.registry import figure_specs

    catalogue = figure_catalogue()
    for spec in figure_specs():
        assert f"| `{spec.id}` |" in catalogue, spec.id
