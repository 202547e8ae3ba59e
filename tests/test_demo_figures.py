"""The demo data through the product's own figures reproduce the interim report's published numbers.

tests/test_demo_published_numbers.py checks the generated files with plain
pandas; this module checks that the figure library, which the report is made
from, gives the same numbers (interim scope: waves T0 and T1).
"""

from __future__ import annotations

import pytest

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure, chapter_comparisons, chapter_figures


@pytest.fixture(scope="module")
def demo():
    return load_dataset(None)


@pytest.fixture(scope="module")
def scope(demo):
    return Scope.for_wave(demo, "T1")


@pytest.fixture(scope="module")
def fig(demo, scope):
    cache = {}

    def get(figure_id):
        if figure_id not in cache:
            cache[figure_id] = build_figure(figure_id, demo, scope)
        return cache[figure_id]

    return get


def count(figure, **where):
    rows = figure.data
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, where
    return int(rows["count"].iloc[0])


def test_scope_is_interim_t0_t1(scope):
    assert scope.waves == ("T0", "T1") and scope.kind == "interim"


def test_born_in_nl_and_abroad(fig):
    f = fig("participants.born_nl_prior_work")
    assert f.n == 134
    assert count(f, born_nl=True, prior_paid_work_nl=True) == 29
    assert count(f, born_nl=True, prior_paid_work_nl=False) == 5
    assert count(f, born_nl=False, prior_paid_work_nl=True) == 58
    assert count(f, born_nl=False, prior_paid_work_nl=False) == 42


def test_origin_top_countries(fig):
    f = fig("participants.origin")
    assert count(f, country="TR", measure="born_or_background") == 45
    assert count(f, country="MA", measure="born_or_background") == 22
    assert count(f, country="IQ", measure="born_or_background") == 19
    assert count(f, country="IQ", measure="born") == 19
    assert count(f, country="NL", measure="born") == 34
    top = f.data[f.data.measure == "born_or_background"]["country"].tolist()
    assert top[:3] == ["TR", "MA", "IQ"] and len(top) == 5 and "NL" not in top


def test_age_groups_and_sex(fig):
    f = fig("participants.age_sex")
    expected = {("<=39", "female"): 30, ("<=39", "male"): 15, ("40-49", "female"): 30, ("40-49", "male"): 15,
                (">=50", "female"): 23, (">=50", "male"): 21}
    for (group, sex), number in expected.items():
        assert count(f, age_group=group, sex=sex) == number
    assert f.data["count"].sum() == 134 and f.data.loc[f.data.sex == "female", "count"].sum() == 83


def test_education_and_diploma(fig):
    assert count(fig("participants.education"), education_nl="none") == 59
    f = fig("participants.no_nl_diploma_age")
    assert f.n == 59
    assert f.data.loc[f.data.foreign_diploma_valued == False, "count"].sum() == 51  # noqa: E712


def test_years_of_paid_work(fig):
    f = fig("participants.years_paid_work")
    stats = dict(zip(f.data.statistic, f.data.value))
    assert f.n == 86 and stats["q1"] == 3 and stats["median"] == 6.5 and 7.5 <= stats["mean"] <= 8.5
    assert (f.data.statistic == "outlier").sum() == 3
    assert (f.data.loc[f.data.statistic == "outlier", "value"] > stats["q3"]).all()
    assert fig("participants.years_since_work").n == 84


def test_participation(fig):
    f = fig("participation.by_wave")
    assert f.n == 124
    assert count(f, wave="T0", type="any") == 54 and count(f, wave="T1", type="any") == 53
    assert count(fig("participation.all_waves"), type="any") == 47
    for wave in ("T0", "T1"):
        rows = f.data[(f.data.wave == wave) & (f.data.type != "any")]
        assert rows.sort_values("count").iloc[-1]["type"] == "volunteer_work"
    assert count(f, wave="T1", type="volunteer_work") < count(f, wave="T0", type="volunteer_work") - 10


def test_instruments(fig):
    f = fig("instruments.use")
    assert f.n == 124
    assert count(f, instrument="any") == 46
    assert count(f, instrument="power") == 22 and count(f, instrument="taaltraject_roc") == 11
    for code in ("dcw_praktijkdiagnose", "werken_aan_werk", "taalcoach"):
        assert 1 <= count(f, instrument=code) < 10


def test_reasons_for_non_use(fig):
    f = fig("instruments.non_use_reasons")
    assert f.n == 78
    assert count(f, reason="health") == 42 and count(f, reason="not_suitable") == 16
    assert count(f, reason="has_income") == 7
    others = f.data[~f.data.reason.isin(["health", "not_suitable"])]
    assert (others["count"] < 10).all()


def test_satisfaction(fig):
    f = fig("satisfaction.overall")
    assert f.n == 46
    answers = {row.answer: int(row.count) for row in f.data.itertuples()}
    assert answers["4"] + answers["5"] == 31  # two thirds satisfied
    assert answers["5"] == 23                 # half very satisfied
    assert answers["2"] == 1 and answers["1"] == 0
    assert answers["3"] == 46 - 31 - 1


def test_satisfaction_figures_only_for_instruments_with_enough_users(demo, scope):
    ids = [f.id for f in chapter_figures("satisfaction", demo, scope)]
    assert ids == ["satisfaction.overall", "satisfaction.power", "satisfaction.taaltraject_roc"]
    assert [f.n for f in chapter_figures("satisfaction", demo, scope)][1:] == [22, 11]


def difficult(f, wave):
    rows = f.data[(f.data.wave == wave) & f.data.answer.isin(["4", "5"])]
    return int(rows["count"].sum())


def test_ease(fig):
    society, work = fig("barriers.ease_society"), fig("barriers.ease_paid_work")
    assert difficult(society, "T0") > 62 and difficult(society, "T1") > 62
    assert difficult(society, "T1") > difficult(society, "T0")
    assert difficult(work, "T0") >= 0.9 * 124 and difficult(work, "T1") >= 0.9 * 124


def test_barriers(fig):
    f = fig("barriers.by_wave")
    for wave in ("T0", "T1"):
        medical = count(f, wave=wave, barrier="medical")
        assert 0.70 * 124 <= medical <= 0.80 * 124
        rows = f.data[f.data.wave == wave]
        assert rows.sort_values("count").iloc[-1]["barrier"] == "medical"
        assert count(f, wave=wave, barrier="none") <= 5
    for barrier in ("transport", "language"):
        assert count(f, wave="T1", barrier=barrier) >= 1.5 * count(f, wave="T0", barrier=barrier)


def _significant(comparisons, outcome_word, split_word, alpha):
    return [c for c in comparisons
            if outcome_word in c.outcome and split_word in c.split and c.significant(alpha)]


def test_subgroup_statements(demo, scope):
    """The published subgroup claims hold after Holm over each chapter's family."""
    from via_reports.figures.subgroups import comparison_sentence

    barriers = chapter_comparisons("barriers", demo, scope)
    for outcome in ("transport", "home"):
        found = _significant(barriers, outcome, "sex", scope.alpha)
        assert found and "Vrouwen noemen relatief vaker" in comparison_sentence(found[0], "nl", scope.alpha)
    for outcome in ("home", "language"):
        found = _significant(barriers, outcome, "born", scope.alpha)
        assert found and comparison_sentence(found[0], "nl", scope.alpha).startswith(
            "In Nederland geboren deelnemers noemen relatief minder vaak")
    participants = chapter_comparisons("participants", demo, scope)
    assert _significant(participants, "prior", "sex", scope.alpha)
