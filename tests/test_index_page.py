"""index.html of a batch and the key numbers it shows: offline, escaped, only what each edition publishes."""

from __future__ import annotations

import json

from via_reports.programme.index_page import counts, index_html
from via_reports.programme.key_numbers import key_numbers


def result(study, status="built", public=False, error=None, numbers=None):
    folder = f"{study}/T2-nl" + ("-public" if public else "")
    return {"study": study, "wave": "T2", "language": "nl", "public": public, "folder": folder, "status": status,
            "seconds": 12.5, "error": error, "key_numbers": numbers}


def test_key_numbers_come_from_the_report_folder(tmp_path):
    report, data = tmp_path / "report", tmp_path / "data"
    (report / "figures").mkdir(parents=True)
    data.mkdir()
    (data / "study.yaml").write_text("primary_outcome: any_participation\n", encoding="utf-8")
    (report / "manifest.json").write_text(json.dumps({"report": {"kind": "final", "design": "by_lot"},
                                                      "figures": [{"id": "participants.origin", "n": 134}]}))
    (report / "figures" / "effects.outcomes.csv").write_text(
        "analysis,outcome,estimator,effect,ci_low,ci_high\n"
        "sensitivity,any_participation,ancova,0.9,0.8,1.0\n"
        "primary,any_participation,change_score,0.7,0.6,0.8\n"
        "primary,any_participation,ancova,0.05,-0.01,0.11\n"
        "primary,paid_work,ancova,,,\n", encoding="utf-8")
    numbers = key_numbers(report, data)
    assert numbers == {"n": 134, "kind": "final", "design": "by_lot", "outcome": "any_participation",
                       "unit": "proportion", "effect": 0.05, "ci_low": -0.01, "ci_high": 0.11}
    (data / "study.yaml").write_text("title: x\n", encoding="utf-8")  # no primary_outcome: paid_work, withheld
    numbers = key_numbers(report, data)
    assert numbers["outcome"] == "paid_work" and numbers["effect"] is None


def test_the_page_is_offline_escaped_and_shows_what_each_edition_publishes():
    results = [
        result("alpha", numbers={"n": 134, "outcome": "paid_work", "unit": "proportion", "effect": 0.043,
                                 "ci_low": -0.1, "ci_high": 0.19}),
        result("alpha", public=True, numbers={"n": 134, "outcome": "paid_work", "unit": "proportion",
                                              "effect": None, "ci_low": None, "ci_high": None}),
        result("beta", status="failed", error='participants row 3 sex: "<script>alert(1)</script>" is no code'),
        result("gamma", status="up_to_date", numbers={"n": None, "outcome": None}),
    ]
    assert counts(results) == {"built": 2, "up_to_date": 1, "failed": 1, "total": 4}
    page = index_html("Programme <b>x</b>", results, "en", synthesis=True)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Programme &lt;b&gt;x&lt;/b&gt;" in page
    assert "Paid work: +4.3 percentage points (-10.0\u00a0–\u00a019.0)" in page  # as the reports print it
    assert "Paid work: not published" in page  # the public edition withholds it: so does the page
    assert 'href="alpha/T2-nl-public/report.pdf"' in page and 'href="synthesis/report.html"' in page
    assert "2 built, 1 up to date, 1 failed of 4 reports" in page
    assert "http" not in page.replace('http-equiv', '')  # nothing loaded from elsewhere
    assert "default-src 'none'" in page


def test_the_bottom_line_is_formatted_as_the_reports_format_it():
    """A signed difference as the reports' text writes it ('+8,9', '-4,3'), the interval as their tables
    do (babel's number format, no line break inside: '-17,4 – 8,8' with no-break spaces)."""
    from via_reports.figures.wording import interval, signed

    numbers = {"n": 80, "outcome": "paid_work", "unit": "proportion", "effect": -0.0431, "ci_low": -0.174,
               "ci_high": 0.088}
    page = index_html("P", [result("alpha", numbers=numbers)], "nl", synthesis=False)
    assert "Betaald werk: -4,3 procentpunt (-17,4\u00a0–\u00a08,8)" in page
    assert "(-17,4 – 8,8)" not in page  # no break possible between the bounds
    assert signed(-4.31, "nl", 1) + " procentpunt (" + interval(-17.4, 8.8, "nl", 1) + ")" in page
    hours = {**numbers, "outcome": "job_search_hours", "unit": "hours", "effect": 1.25, "ci_low": 0.05,
             "ci_high": 2.45}
    page = index_html("P", [result("alpha", numbers=hours)], "en", synthesis=False)
    assert "+1.3 hours (0.1\u00a0–\u00a02.5)" in page  # halves away from zero, as the reports round
    withheld_bound = {**numbers, "ci_low": None, "ci_high": None}
    page = index_html("P", [result("alpha", numbers=withheld_bound)], "en", synthesis=False)
    assert "-4.3 percentage points (–)" in page
