"""programme.yaml (checked like report.yaml: the key and line named, exit 2) and `via-reports demo-programme`."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from via_reports.cli import main
from via_reports.exceptions import ParameterError
from via_reports.programme.programme_file import Edition, load_programme

GOOD = """\
title: VIA – intensieve begeleiding
studies:
  - {id: enschede, data: enschede}
  - {id: oostvoorde, data: ../elsewhere/oostvoorde}
editions:
  - {wave: T1}
  - {wave: T2}
  - {wave: T2, language: en}
  - {wave: T2, public: true}
synthesis: {outcomes: all, analysis: primary}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_programme_file(tmp_path):
    programme = load_programme(write(tmp_path, GOOD))
    assert programme.title == "VIA – intensieve begeleiding" and programme.language == "nl"
    assert [s.id for s in programme.studies] == ["enschede", "oostvoorde"]
    assert programme.studies[0].data == tmp_path / "enschede"  # relative to the file
    assert programme.studies[1].data == (tmp_path / "../elsewhere/oostvoorde").resolve()
    assert programme.editions[2] == Edition("T2", "en", False) and programme.editions[3].public
    assert programme.editions[3].folder("nl") == "T2-nl-public"
    assert programme.outcomes == "all" and programme.analysis == "primary"


@pytest.mark.parametrize("change, line, words", [
    (("synthesis:", "colour: red\nsynthesis:"), 10, "unknown key 'colour'"),
    (("{wave: T1}", "{wave: T3}"), 6, "editions[0].wave must be T0, T1 or T2, not 'T3'"),
    (("{id: enschede,", "{id: Enschede!,"), 3, "studies[0].id must be lower-case letters"),
    (("{id: oostvoorde,", "{id: enschede,"), 4, "studies[1].id: 'enschede' is also the id of studies[0]"),
    (("  - {wave: T2, public: true}", "  - {wave: T2}"), 9, "editions[3] repeats editions[1]"),
    (("{wave: T2, language: en}", "{wave: T2, language: de}"), 8, "editions[2].language must be nl or en"),
    (("outcomes: all", "outcomes: some"), 10, "synthesis.outcomes must be 'all' or a list of outcome codes"),
    (("title: VIA – intensieve begeleiding\n", ""), None, "the key 'title' is missing"),
])
def test_a_wrong_programme_file_names_the_key_and_line(tmp_path, change, line, words):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ParameterError) as raised:
        load_programme(path)
    message = str(raised.value)
    assert words in message
    if line is not None:
        assert f"programme.yaml, line {line}:" in message


def test_the_command_line_says_why_with_exit_status_2(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("{wave: T1}", "{wave: T1, colour: red}"))
    assert main(["batch", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "editions[0]: unknown key 'colour'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything was made
    assert main(["batch", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "out")]) == 2


@pytest.mark.slow  # writes and validates six datasets
def test_the_demo_programme(tmp_path):
    from via_reports.data.dataset import validate_folder
    from via_reports.demo.variants import programme_variants

    assert main(["demo-programme", str(tmp_path / "p"), "--studies", "3", "--quiet"]) == 0
    programme = load_programme(tmp_path / "p" / "programme.yaml")
    assert len(programme.studies) == 3 and len(programme.editions) == 4
    variants = programme_variants(3)
    towns, sizes, designs = set(), set(), []
    for study, variant in zip(programme.studies, variants):
        result = validate_folder(study.data)
        assert result.ok, result.violations[:3]
        people = result.tables["participants"]
        pilot = people[people["group"] == "pilot"]
        assert len(pilot) == variant.pilot_size and 60 <= variant.pilot_size <= 250
        assert (people["group"] == "control").sum() == variant.control_size
        assert pilot["participant_id"].is_unique and people["participant_id"].is_unique
        study_yaml = (study.data / "study.yaml").read_text(encoding="utf-8")
        assert "synthetic: true" in study_yaml and variant.municipality in study_yaml
        assert "Enschede" not in study_yaml
        towns.add(variant.municipality)
        sizes.add(variant.pilot_size)
        designs.append(bool(people["randomized"].all()))
    assert len(towns) == 3 and len(sizes) == 3 and designs == [True, True, False]
    assert len({v.true_effect for v in variants}) == 3
    # deterministic: the same files again
    assert main(["demo-programme", str(tmp_path / "q"), "--studies", "3", "--quiet"]) == 0
    comparison = filecmp.dircmp(tmp_path / "p", tmp_path / "q")
    assert not comparison.diff_files and all(not comparison.subdirs[d].diff_files for d in comparison.subdirs)


def test_the_demo_programme_never_overwrites(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "mine.txt").write_text("keep", encoding="utf-8")
    assert main(["demo-programme", str(tmp_path / "p")]) == 2
    assert (tmp_path / "p" / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert main(["demo-programme", str(tmp_path / "r"), "--studies", "2"]) == 2


def test_batch_never_overwrites_a_file_of_the_user(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("mine", encoding="utf-8")
    assert main(["batch", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "exists and was not written by via-reports batch" in " ".join(capsys.readouterr().err.split())
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8") == "mine"


def test_the_readme_programme_file_is_valid(tmp_path):
    """The programme.yaml the README shows is one that `batch` accepts, with the editions it describes."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## A programme of studies"):]
    block = re.search(r"^```yaml\n(.*?)^```", section, re.MULTILINE | re.DOTALL).group(1)
    programme = load_programme(write(tmp_path, block))
    assert [study.id for study in programme.studies] == ["enschede", "oostvoorde"]
    assert [(e.wave, e.language, e.public) for e in programme.editions] == [
        ("T1", None, False), ("T2", None, False), ("T2", "en", False), ("T2", None, True)]
