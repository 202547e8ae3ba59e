"""The public edition's disclosure rule on hand-made tables whose withheld cells are worked out by hand.

The rule is in via_reports/analysis/disclosure.py and docs/disclosure.md.
"""

from __future__ import annotations

import pandas as pd
import pytest
from tiny import load_tiny

from via_reports.analysis.disclosure import MARKER, Withheld, suppress
from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure, figure_specs
from via_reports.figures.public import CountRule, count_margins, count_rule, withheld_counts
from via_reports.document.text import TextContext, render_text


def attacker_solves(counts, withheld, margins, totals):
    """The attacker's first move: a margin with a known total and a single unknown cell gives that cell."""
    solved = {}
    for margin, total in zip(margins, totals):
        unknown = [i for i in margin if withheld[i]]
        if len(unknown) == 1:
            solved[unknown[0]] = total - sum(counts[i] for i in margin if not withheld[i])
    return solved


# --------------------------------------------------------------------------- the rule


def test_one_small_cell_takes_the_smallest_other_non_zero_cell_with_it():
    # 10, 3, 8, 0 add up to a known 21: 3 is small; alone it would be 21 − 18, so 8 goes too (not 10, not 0)
    result = suppress([10, 3, 8, 0], [[0, 1, 2, 3]], k=5)
    assert result.withheld == (False, True, True, False)
    assert not result.table_withheld


def test_withheld_cells_that_add_up_to_less_than_k_take_another_cell():
    # 1 and 2 together are 3 < 5 (and at least 1 each, so both would be known): 20 goes too
    assert suppress([20, 1, 2, 0], [[0, 1, 2, 3]], k=5).withheld == (True, True, True, False)


def test_a_cross_table_is_protected_in_rows_and_columns():
    # a: 12  3  9      3 is small; row a takes 9 (smaller than 12);
    # b:  7 15  6      column 2 (3) takes 15, column 3 (9) takes 6; row b then has 15 and 6: safe
    counts = [12, 3, 9, 7, 15, 6]
    margins = [[0, 1, 2], [3, 4, 5], [0, 3], [1, 4], [2, 5], [0, 1, 2, 3, 4, 5]]
    result = suppress(counts, margins, k=5)
    assert result.withheld == (False, True, True, False, True, True)
    totals = [sum(counts[i] for i in m) for m in margins]
    assert attacker_solves(counts, result.withheld, margins, totals) == {}


def test_a_zero_is_withheld_only_when_no_non_zero_cell_is_left():
    # margins {6, 0} and {6, 2}: 2 takes 6 with it; then 6 is alone in {6, 0}, so the 0 goes too
    assert suppress([6, 0, 2], [[0, 1], [0, 2]], k=5).withheld == (True, True, True)


def test_a_table_of_fewer_than_k_people_is_withheld_whole():
    result = suppress([2, 1], [[0, 1]], k=5)
    assert result.table_withheld and result.withheld == (True, True)


def test_a_small_row_total_withholds_the_table():
    # 2x2: row 1 is 3 and 0; its total 3 is small and cannot be hidden by cells of its own
    result = suppress([3, 0, 0, 9], [[0, 1], [2, 3], [0, 2], [1, 3], [0, 1, 2, 3]], k=5)
    assert result.table_withheld


def test_nothing_is_withheld_when_no_cell_is_small():
    assert suppress([0, 5, 12], [[0, 1, 2]], k=5).withheld == (False, False, False)


def test_the_threshold_must_be_at_least_one():
    with pytest.raises(ValueError):
        suppress([1], [[0]], k=0)


def test_withheld_prints_as_the_marker_and_equals_no_number():
    value = Withheld()
    assert str(value) == MARKER and value != 1 and bool(value)


# --------------------------------------------------------------------------- the margins of a figure


def test_a_binary_count_is_known_against_n_minus_it():
    data = pd.DataFrame({"type": ["a", "b", "c"], "count": [3, 8, 6], "percent": [30.0, 80.0, 60.0], "n": 10})
    cells, margins = count_margins(data, CountRule(binary=True))
    assert cells == [3, 8, 6, 7, 2, 4] and margins == [[0, 3], [1, 4], [2, 5]]
    # 3 (of 10) is small; 8 of 10 leaves 2 who have not; 6 leaves 4: every count goes
    assert withheld_counts(data, CountRule(binary=True), 5) == ([True, True, True], False)
    assert withheld_counts(data, CountRule(binary=True), 2) == ([False, False, False], False)


def test_what_does_not_add_up_to_n_is_an_unseen_cell():
    # 6 + 9 of n=19: 4 people have no answer; they are a cell of the total like the others
    data = pd.DataFrame({"answer": ["1", "2"], "count": [6, 9], "percent": [0.0, 0.0], "n": 19})
    cells, margins = count_margins(data, CountRule(dims=("answer",)))
    assert cells == [6, 9, 4] and margins == [[0, 1, 2]]
    # the unseen 4 is small: 6, the smallest shown, goes with it
    assert withheld_counts(data, CountRule(dims=("answer",)), 5) == ([True, False], False)


def test_a_table_per_wave_has_its_own_margin_and_no_pandas4_warning():
    """One ``by`` column: a margin per wave, rows in order of appearance (grouped by name, not a 1-list)."""
    import warnings

    data = pd.DataFrame({"wave": ["T0", "T0", "T1", "T1"], "answer": ["1", "2", "1", "2"],
                         "count": [4, 5, 6, 2], "percent": 0.0, "n": [10, 10, 8, 8]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cells, margins = count_margins(data, CountRule(by=("wave",)))
    # T0: 4 + 5 of 10 leaves 1 unseen (cell 4); T1: 6 + 2 of 8 adds up
    assert cells == [4, 5, 6, 2, 1] and margins == [[0, 1, 4], [2, 3]]


def test_every_figure_of_the_registry_has_a_disclosure_rule():
    """Each figure declares its rule; the special ones are those public_figure implements by name."""
    from via_reports.figures.declaration import SPECIAL_RULES, declaration_of
    from via_reports.figures.public import disclosure_rule

    for spec in figure_specs():
        figure_id = spec.prefix + "member" if spec.is_family else spec.id
        rule = disclosure_rule(figure_id)
        assert isinstance(rule, CountRule) or rule in SPECIAL_RULES, spec.id
        assert (count_rule(figure_id) is not None) == isinstance(rule, CountRule), spec.id
        assert declaration_of(figure_id).id == spec.id
    with pytest.raises(KeyError, match="no disclosure rule for figure toy.nothing"):
        disclosure_rule("toy.nothing")


# --------------------------------------------------------------------------- figures of the tiny dataset


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def public(figure_id, dataset, k, wave="T1"):
    return build_figure(figure_id, dataset, Scope.for_wave(dataset, wave, min_cell=k))


def test_education_of_the_tiny_pilot(tiny_dataset):
    # none 3, primary 1, vmbo 1, mbo1 1, mbo2 1, mbo3_4 0, havo_vwo 0, hbo_wo 1 (n=8)
    k3 = public("participants.education", tiny_dataset, 3)
    assert list(k3.data["suppressed"]) == [False, True, True, True, True, False, False, True]
    assert list(k3.data["count"].astype("float").fillna(-1)) == [3, -1, -1, -1, -1, 0, 0, -1]
    assert list(k3.table["Aantal"]) == [3, MARKER, MARKER, MARKER, MARKER, 0, 0, MARKER]
    assert list(k3.table["Percentage"])[1] == MARKER
    k4 = public("participants.education", tiny_dataset, 4)  # now the 3 goes too
    assert list(k4.data["suppressed"]) == [True, True, True, True, True, False, False, True]
    assert k4.caption().endswith("(n=8)")
    assert any(MARKER in note for note in k4.notes)


def test_age_by_sex_of_the_tiny_pilot_is_withheld_whole(tiny_dataset):
    # <=39: 2 women, 0 men, 1 other: the row of 3 cannot be hidden by its own cells
    figure = public("participants.age_sex", tiny_dataset, 5)
    assert figure.data["suppressed"].all() and figure.data["count"].isna().all()
    assert figure.text and "openbare editie" in figure.text[0]


def test_born_in_the_netherlands_by_prior_work_of_the_tiny_pilot(tiny_dataset):
    # born NL: 2 worked, 0 did not; born elsewhere: 3 and 3. k=3: the born-NL row total 2 is small: all withheld
    assert public("participants.born_nl_prior_work", tiny_dataset, 3).data["suppressed"].all()
    assert not public("participants.born_nl_prior_work", tiny_dataset, 2).data["suppressed"].any()


def test_a_box_plot_of_fewer_than_k_people_is_withheld(tiny_dataset):
    # years of paid work known for P2, P3, P4, P6: 4 people
    figure = public("participants.years_paid_work", tiny_dataset, 5)
    assert figure.data["value"].isna().all() and figure.n_withheld and figure.caption().endswith("(n<5)")
    assert figure.manifest_entry()["n"] is None
    assert "outlier" not in set(figure.data["statistic"])
    # from k people on, the n is shown; the quartiles and the mean need 2k (docs/disclosure.md)
    shown = public("participants.years_paid_work", tiny_dataset, 4)
    assert shown.data["value"].isna().all() and not shown.n_withheld and shown.caption().endswith("p10–p90)")
    shown = public("participants.years_paid_work", tiny_dataset, 2)
    assert shown.data.set_index("statistic")["value"].notna().to_dict() == {
        "p10": False, "q1": True, "median": True, "q3": True, "p90": False, "mean": True}


def test_the_chart_draws_no_withheld_value(tiny_dataset):
    figure = public("participants.education", tiny_dataset, 3)
    rows = [row for rows in figure.chart.to_dict()["datasets"].values() for row in rows]
    hidden = {r["education_nl"] for r in rows if r["count"] is None}
    assert hidden == {"primary", "vmbo", "mbo1", "mbo2", "hbo_wo"}


def test_the_csv_has_a_suppressed_column_and_empty_withheld_cells(tiny_dataset, tmp_path):
    path = public("participants.education", tiny_dataset, 3).write_csv(tmp_path)
    lines = path.read_text().splitlines()
    assert lines[0] == "education_nl,count,percent,n,suppressed"
    assert lines[1] == "none,3,37.5,8,false" and lines[2] == "primary,,,8,true"


def test_the_internal_edition_is_unchanged(tiny_dataset):
    figure = build_figure("participants.education", tiny_dataset, Scope.for_wave(tiny_dataset, "T1"))
    assert "suppressed" not in figure.data and figure.min_cell is None


def test_a_comparison_with_a_small_cell_is_not_reportable():
    from via_reports.analysis.subgroups import Comparison

    comparison = Comparison("barriers", "panel", "T1", "x", "sex", "female", "male", 20, 6, 30, 28,
                            30.0, 93.3, -63.3, -80.0, -40.0, 0.001)
    assert comparison.reportable(None) and comparison.reportable(2)
    assert not comparison.reportable(5)  # 30 − 28 = 2 men without the outcome


# --------------------------------------------------------------------------- text placeholders


def test_text_placeholders_print_the_marker_for_withheld_numbers(tiny_dataset):
    figure = public("participants.education", tiny_dataset, 3)
    context = TextContext(figures={figure.id: figure}, language="nl", min_cell=3)
    source = ('{{ count("participants.education", education_nl="none") }} '
              '{{ count("participants.education", education_nl="vmbo") }} '
              '{{ sum_count("participants.education", education_nl=["none", "vmbo"]) }} '
              '{{ percent("participants.education", education_nl="primary") }} '
              '{{ share(1, 8) }} {{ share(7, 8) }} {{ n("participants.education") }}')
    assert render_text(source, context) == f"3 {MARKER} {MARKER} {MARKER} {MARKER} {MARKER} 8"


def test_arithmetic_with_a_withheld_number_is_an_error_naming_the_line(tiny_dataset):
    from via_reports.exceptions import TextError

    figure = public("participants.education", tiny_dataset, 3)
    context = TextContext(figures={figure.id: figure}, language="nl", min_cell=3)
    with pytest.raises(TextError, match=r"intro.md, line 2"):
        render_text('x\n{{ count("participants.education", education_nl="vmbo") + 1 }}', context, "intro.md")


# --------------------------------------------------------------------------- asking for a public edition


def test_the_public_parameters_are_checked():
    from via_reports.chapters.registry import check_parameters
    from via_reports.exceptions import ParameterError

    assert check_parameters({"public": True, "min_cell": 3})["public"] is True
    assert check_parameters({})["public"] is False and check_parameters({})["min_cell"] == 5
    for wrong in ({"public": "yes"}, {"public": 1}, {"min_cell": 1}, {"min_cell": 2.5}):
        with pytest.raises(ParameterError):
            check_parameters(wrong)
    with pytest.raises(ParameterError):
        Scope(waves=("T0",), min_cell=1)
    assert Scope(waves=("T0",), min_cell=5).public and not Scope(waves=("T0",)).public


def test_a_threshold_below_two_is_a_usage_error(tmp_path, capsys):
    from via_reports.cli import main

    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--public", "--min-cell", "1", "--quiet"]) == 2
    assert "min_cell must be at least 2, not 1" in " ".join(capsys.readouterr().err.split())
    assert not out.exists()


def test_the_public_edition_and_its_threshold_change_the_build_key():
    from via_reports.report.freshness import BuildOptions, build_key

    keys = {build_key(BuildOptions(wave="T1", **public))
            for public in ({}, {"public": True, "min_cell": 5}, {"public": True, "min_cell": 6})}
    assert len(keys) == 3
    public = build_key(BuildOptions(wave="T1", public=True))
    assert public == build_key(BuildOptions(wave="T1", public=True, min_cell=5))  # the default threshold
