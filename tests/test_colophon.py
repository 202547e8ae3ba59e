"""The colophon says only what the study gives: a synthetic demo report carries no
real ISBN, staff, address or download location, and each report its own ISBN (issue 12)."""

from __future__ import annotations

import copy

import pytest
import yaml

from tiny import STUDY as TINY_STUDY
from via_reports.data.study import parse_study
from via_reports.demo.generator import STUDY as DEMO_STUDY
from via_reports.render.assemble import _colophon
from via_reports.document.model import ReportDocument
from via_reports.theme.themes import available_themes, load_theme, themes_dir

#: What the real interim report's colophon holds; none of it belongs on a synthetic report.
REAL_DETAILS = ["978-94-6409-071-0", "Tinnemans", "van der Hoff", "Brock", "Jonkman", "Balsa", "Janssen Lok",
                "van Malsen", "Verwey", "Kromme Nieuwegracht", "3512", "230 07 99", "verwey-jonker.nl"]
#: What the neutral theme once invented.
INVENTED_MUNICIPALITY = ["Voorbeeldstad", "Postbus"]


def document(study_yaml: dict, kind: str = "interim") -> ReportDocument:
    study, problems = parse_study(copy.deepcopy(study_yaml))
    assert study is not None, problems
    return ReportDocument(kind=kind, study=study, chapters=[])


def colophon_text(doc: ReportDocument, theme: str) -> str:
    return yaml.safe_dump(_colophon(doc, load_theme(theme)), allow_unicode=True)


@pytest.mark.parametrize("theme", available_themes())
@pytest.mark.parametrize("kind", ["interim", "final"])
def test_the_synthetic_demo_colophon_is_made_up(theme, kind):
    text = colophon_text(document(DEMO_STUDY, kind), theme)
    found = [detail for detail in REAL_DETAILS + INVENTED_MUNICIPALITY if detail in text]
    assert found == []
    colophon = _colophon(document(DEMO_STUDY, kind), load_theme(theme))
    assert colophon["isbn"] is None and colophon["download"] is None
    assert ("Uitgave", ["via-reports demo"]) in colophon["rows"]
    assert colophon["copyright_line"].startswith("© via-reports demo, Utrecht")


def test_shipped_themes_carry_no_publisher():
    for theme in available_themes():
        assert load_theme(theme).publisher is None
        assert "publisher" not in yaml.safe_load((themes_dir() / theme / "theme.yaml").read_text())


def test_each_report_shows_its_own_isbn():
    assert _colophon(document(TINY_STUDY, "interim"), load_theme("default"))["isbn"] == "978-0-00-000000-2"
    assert _colophon(document(TINY_STUDY, "final"), load_theme("default"))["isbn"] == "978-0-00-000001-9"
    without_final = {key: value for key, value in TINY_STUDY.items() if key != "isbn_final"}
    assert _colophon(document(without_final, "final"), load_theme("default"))["isbn"] is None


def test_a_wrong_isbn_final_check_digit_is_a_study_problem():
    _, problems = parse_study({**TINY_STUDY, "isbn_final": "978-0-00-000001-8"})
    assert [(p.path, p.rule) for p in problems] == [("isbn_final", "isbn13")]


def test_a_real_study_brings_its_own_publisher_block():
    publisher = {"name": "Instituut X", "address": ["Straat 1", "1234 AB Stad"], "phone": "012 345 67 89",
                 "email": "info@x.example", "web": "www.x.example"}
    colophon = _colophon(document({**TINY_STUDY, "publisher": publisher}), load_theme("neutral"))
    assert ("Uitgave", ["Instituut X", "Straat 1", "1234 AB Stad", "Telefoon 012 345 67 89",
                        "E-mail info@x.example", "Website www.x.example"]) in colophon["rows"]
    assert colophon["copyright_line"].startswith("© Instituut X, Utrecht")
    # the web address of a publisher is not where the report can be downloaded
    assert colophon["download"] is None


def test_without_a_publisher_the_authors_hold_the_copyright():
    colophon = _colophon(document({**TINY_STUDY, "authors": ["A. Auteur", "B. Auteur"]}), load_theme("default"))
    assert [label for label, _ in colophon["rows"]] == ["Opdrachtgever", "Auteurs", "Met medewerking van"]
    assert colophon["copyright_line"].startswith("© A. Auteur en B. Auteur, Utrecht")
