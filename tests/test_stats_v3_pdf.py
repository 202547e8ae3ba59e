"""Statistics v3 wording read back from the rendered PDF (pypdf), Dutch and English, internal and public.

- Without assignment by lot (the demo without its ``randomized`` column): the effects chapter and the
  bottom line never say "aangetoond"/"demonstrated", and "effect" only in "oorzakelijk effect"/"causal
  effect" (that the comparison cannot show one).
- Never "ongeveer gelijk"/"about the same" after a test.
- The primary outcome is answered first in the bottom line.
- Public edition of the demo with --min-cell 10: the bottom line and the MDE stay for every publishable
  outcome, and every withheld outcome is named.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pypdf import PdfReader

from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

LABELS = {"nl": {"paid_work": "Betaald werk", "any_participation": "Enige vorm van participatie"},
          "en": {"paid_work": "Paid work", "any_participation": "Any participation"}}


def pdf_text(path) -> str:
    """The PDF's text on one line, with the layout's hyphenation undone ("aan- getoond" is "aangetoond")."""
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))
    return re.sub(r"([a-zà-ÿ])- ([a-zà-ÿ])", r"\1\2", text)


def _build_without_randomized(demo_data, folder, language: str, **options) -> None:
    """The demo's final report, built in ``folder`` from a copy of the demo without its randomized column."""
    import shutil

    data = folder / "data"
    shutil.copytree(demo_data, data)
    people = pd.read_csv(data / "participants.csv", dtype=str, keep_default_na=False)
    people.drop(columns=["randomized"]).to_csv(data / "participants.csv", index=False)
    build_report(BuildOptions(data_dir=data, out=folder / "report", wave="T2", language=language, **options))


@pytest.fixture(scope="session")
def no_lottery(made_once, demo_data):
    """``no_lottery(language)``: the final report of the demo without its randomized column."""
    def make(language):
        return made_once(f"no-lottery-{language}",
                         lambda folder: _build_without_randomized(demo_data, folder, language)) / "report"
    return make


def _effects_parts(text: str, language: str) -> str:
    """The effects chapter's body: from its method paragraph to the heading of the conclusions chapter."""
    start = "Per uitkomst vergelijken we" if language == "nl" else "For each outcome we compare"
    following = r"\d+ Conclusie en suggesties \d+\.1\." if language == "nl" else r"\d+ Conclusions and suggestions \d+\.1\."
    body = text[text.index(start):]
    end = re.search(following, body)
    assert end is not None and end.start() > 5000  # the whole chapter, not a header's fragment
    return body[:end.start()]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_without_a_lottery_the_pdf_never_claims_an_effect(no_lottery, language):
    text = pdf_text(no_lottery(language) / "report.pdf")
    part = _effects_parts(text, language).lower()
    part = part.replace("oorzakelijk effect", "").replace("causal effect", "")
    # the chapter's own title in the running header is not a claim
    part = part.replace("effecten: pilot en controlegroep", "").replace("effects: pilot and control group", "")
    assert "aangetoond" not in part and "demonstrated" not in part
    assert not re.search(r"\beffect", part), re.search(r".{80}\beffect.{40}", part)
    assert ("leggen niet vast hoe" if language == "nl" else "do not record how") in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_about_the_same_after_a_test_and_the_primary_outcome_first(edition, language):
    text = pdf_text(edition("demo", "T2", language) / "report.pdf")
    assert "ongeveer gelijk" not in text.lower() and "about the same" not in text.lower()
    labels = LABELS[language]
    first = "Eerst de primaire uitkomst, betaald werk" if language == "nl" else "First the primary outcome, paid work"
    assert first in text
    primary = text.index(f"{labels['paid_work']} (")
    secondary = text.index(f"{labels['any_participation']} (")
    assert primary < secondary  # listed first in the summary's bottom line too
    # a comparison within part of the population (the foreign-born pilot participants, by sex) names that part
    within = ("Vrouwen die buiten Nederland geboren zijn hadden relatief" if language == "nl"
              else "Women born outside the Netherlands had")
    assert within in text


@pytest.fixture(scope="session")
def public_min_cell_10(made_once):
    return made_once("demo-public-10", lambda folder: build_report(
        BuildOptions(out=folder / "report", wave="T2", public=True, min_cell=10))) / "report"


def test_public_edition_keeps_the_bottom_line_per_outcome(public_min_cell_10):
    from via_reports.figures.wording import wording

    report = public_min_cell_10
    text = pdf_text(report / "report.pdf")
    rows = pd.read_csv(report / "figures" / "effects.outcomes.csv")
    withheld = set(rows.loc[rows["suppressed"].astype(str).str.lower() == "true", "outcome"])
    labels = wording("effects", "nl")["outcomes"]
    assert withheld and withheld != set(rows["outcome"])  # the demo at k = 10 has both kinds
    for outcome, label in labels.items():
        if outcome in withheld:
            assert re.search(rf"{re.escape(label)} \((primaire|secundaire) uitkomst\): niet getoond in deze "
                             rf"openbare editie", text), outcome
        else:
            # the bottom line's item with its minimum detectable effect
            assert re.search(rf"{re.escape(label)} \((primaire|secundaire) uitkomst\): [-+]?\d", text), outcome
    assert "effecten kleiner dan" in text.lower()
    assert "niet alle uitkomsten van de effectanalyse" not in text  # no longer one sentence for everything


# --------------------------------------------------------------------------- every edition: with and without a lottery,
# nl and en, internal and public (k = 10); each build made once per run and shared (made_once)


@pytest.fixture(scope="session")
def public_10(made_once):
    """``public_10(language)``: the demo's final public edition at k = 10 (nl: the build above, shared)."""
    def make(language):
        name = "demo-public-10" if language == "nl" else f"demo-public-10-{language}"
        return made_once(name, lambda folder: build_report(BuildOptions(
            out=folder / "report", wave="T2", public=True, min_cell=10, language=language))) / "report"
    return make


@pytest.fixture(scope="session")
def no_lottery_public(made_once, demo_data):
    """``no_lottery_public(language)``: the public edition (k = 10) of the demo without its randomized column."""
    def make(language):
        return made_once(f"no-lottery-public-{language}", lambda folder: _build_without_randomized(
            demo_data, folder, language, public=True, min_cell=10)) / "report"
    return make


EDITIONS = [(lot, public, language) for lot in (True, False) for public in (False, True) for language in ("nl", "en")]


def _edition_id(value) -> str:
    lot, public, language = value
    return f"{'lottery' if lot else 'no-lottery'}-{'public' if public else 'internal'}-{language}"


@pytest.fixture(scope="module", params=EDITIONS, ids=_edition_id)
def report(request, edition, no_lottery, public_10, no_lottery_public):
    """(by lot, public, language, report folder, its text, the internal edition's folder of the same data)."""
    lot, public, language = request.param
    internal = edition("demo", "T2", language) if lot else no_lottery(language)
    folder = (public_10 if lot else no_lottery_public)(language) if public else internal
    return lot, public, language, folder, pdf_text(folder / "report.pdf"), internal


def _fixed(template: str) -> str:
    """A wording template's words up to its first placeholder, on one line (as pdf_text gives them)."""
    return " ".join(template.split("{")[0].split())


def _v3(language: str) -> dict:
    from via_reports.figures.wording import wording

    return wording("effects_v3", language)


def test_never_about_the_same_and_the_primary_outcome_first(report):
    lot, public, language, folder, text, _ = report
    assert "ongeveer gelijk" not in text.lower() and "about the same" not in text.lower()
    first = _fixed(_v3(language)["primary_answer"].format(label=LABELS[language]["paid_work"].lower()))
    secondary = _v3(language)["secondary"]
    assert first in text and text.index(first) < text.index(secondary)  # the bottom line answers it first


def test_the_estimand_is_named(report):
    lot, public, language, folder, text, _ = report
    by_lot, not_by_lot = _fixed(_v3(language)["estimand_by_lot"]), _fixed(_v3(language)["estimand_not_by_lot"])
    assert (by_lot if lot else not_by_lot) in text
    assert (not_by_lot if lot else by_lot) not in text
    assert "intention to treat" in text


#: Where "effect" may stand in a report without a lottery: the chapter's title, the summary's label of it,
#: and the sentences that say no effect can be shown. "niet statistisch aantoonbaar"/"not statistically
#: demonstrable" (a possible adverse development) says a difference is not.
ALLOWED = {"nl": ("effecten: pilot en controlegroep", "effecten. de vergelijking", "oorzakelijk effect",
                  "toont daarom geen effect van de pilot aan", "niet statistisch aantoonbaar"),
           "en": ("effects: pilot and control group", "effects. the comparison", "causal effect",
                  "does not show an effect of the pilot", "not statistically demonstrable")}


def test_without_a_lottery_no_effect_is_claimed_anywhere(report):
    """The whole PDF (summary, bottom line, chapter, appendices), not only the effects chapter."""
    lot, public, language, folder, text, _ = report
    if lot:
        pytest.skip("by lot, an effect may be claimed")
    part = text.lower()
    for allowed in ALLOWED[language]:
        part = part.replace(allowed, "")
    assert not re.search(r"aangetoond|aantoonbaar|\bdemonstrated\b|\bdemonstrable\b", part), \
        re.search(r".{80}(aangetoond|aantoonbaar|demonstrated|demonstrable).{40}", part)
    assert not re.search(r"\beffect", part), re.search(r".{80}\beffect.{40}", part)


def _warning_fires(internal) -> bool:
    """The randomisation rule worked out from the internal edition's effects.baseline.csv: in the primary
    analysis, a joint test p below 0.01 or a standardised difference beyond ±0.25."""
    rows = pd.read_csv(internal / "figures" / "effects.baseline.csv")
    rows = rows[rows["analysis"] == "primary"]
    joint = rows[rows["characteristic"] == "joint_test"]["p_value"]
    smd = rows[rows["characteristic"] != "joint_test"]["smd"].abs()
    return bool((joint < 0.01).any() or (smd > 0.25).any())


def test_the_lottery_warning_where_the_rule_fires(report):
    lot, public, language, folder, text, internal = report
    warning, withheld = _fixed(_v3(language)["warning"]), _fixed(_v3(language)["warning_withheld"])
    if not lot:
        assert warning not in text and withheld not in text
        return
    fires = _warning_fires(internal)
    assert fires  # the demo: paid work at T0, SMD -0.51 (tests/test_stats_v3_wording.py)
    # internal: the warning with its reasons; public at k = 10 the row behind it is withheld, so the warning
    # stays without its numbers (the caveats stay)
    assert (warning in text) or (public and withheld in text)


def test_the_public_sentences_where_they_apply(report):
    """holm_withheld (+ _claim) and sensitivity_shown_only, worked out from the public effects.outcomes.csv."""
    lot, public, language, folder, text, _ = report
    if not public:
        for key in ("holm_withheld", "sensitivity_shown_only"):
            assert _fixed(_v3(language)[key]) not in text
        return
    rows = pd.read_csv(folder / "figures" / "effects.outcomes.csv")
    withheld = rows["suppressed"].astype(str).str.lower() == "true"
    headline = rows[(rows["estimator"] == "ancova") & ~withheld]
    sensitivity = rows[(rows["analysis"] == "sensitivity") & (rows["estimator"] == "ancova") & withheld]
    sentence = " ".join(_v3(language)["sensitivity_shown_only"].format(n=len(sensitivity), k=10).split())
    if lot and len(sensitivity):
        assert sentence in text  # the demo at k = 10: 3 outcomes' sensitivity rows withheld
    else:
        assert _fixed(_v3(language)["sensitivity_shown_only"]) not in text
    borrowed = headline[(headline["analysis"] == "primary") & (headline["outcome"] != "paid_work")
                        & headline["p_value"].notna() & headline["p_holm"].isna()]
    holm = " ".join(_v3(language)["holm_withheld"].format(k=10).split())
    assert (holm in text) == bool(len(borrowed))
    claim = borrowed[(borrowed["ci_low"] > 0) | (borrowed["ci_high"] < 0)]
    assert (_v3(language)["holm_withheld_claim"] in text) == bool(len(claim))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_built_public_flow_and_means_charts_draw_the_published_cells(public_10, language):
    """The public build at k = 10 (the executed notebook's chart, as the PDF and HTML draw it): effects.flow's
    SVG prints exactly the counts its CSV publishes and the marker for each withheld one, no whole number of
    1 to 9; effects.means' spec draws a point for each published mean and none for a withheld one."""
    import json

    from via_reports.analysis.disclosure import MARKER

    report = public_10(language)
    notebook = json.loads((report / "notebooks" / "effects.ipynb").read_text(encoding="utf-8"))
    outputs = {o["metadata"]["via_reports"]["figure"]: o["data"] for cell in notebook["cells"]
               for o in cell.get("outputs", []) if o.get("metadata", {}).get("via_reports", {}).get("type") == "figure"}
    flow = pd.read_csv(report / "figures" / "effects.flow.csv")
    svg = outputs["effects.flow"]["image/svg+xml"]
    svg = svg if isinstance(svg, str) else "".join(svg)
    texts = [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]
    withheld = flow["suppressed"].astype(str).str.lower() == "true"
    assert 0 < withheld.sum() < len(flow)
    assert sorted(int(t) for t in texts if t.isdigit()) == sorted(int(c) for c in flow.loc[~withheld, "count"])
    assert texts.count(MARKER) == int(withheld.sum())
    means = pd.read_csv(report / "figures" / "effects.means.csv")
    primary = means[means["analysis"] == "primary"]
    hidden = primary["suppressed"].astype(str).str.lower() == "true"
    spec = outputs["effects.means"]["application/vnd.vegalite.v5+json"]
    points = [row for rows in spec.get("datasets", {}).values() for row in rows]
    assert len(points) == len(primary)
    assert sum(row["value"] is not None for row in points) == int((~hidden).sum()) > 0
    assert all(row["n"] is None or row["n"] >= 10 for row in points)
