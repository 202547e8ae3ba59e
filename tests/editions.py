"""What a report in one language may contain: the words of each language and the raw names of the data.

The word lists are read from the sources of the report's own words, so they
cannot drift from them: ``templates/pdf/labels.yaml``, the codebook, the data
contracts' labels, the wording of generated sentences and the authored texts
(``templates/text/<lang>/``). A word of the other language's list that this
language's list lacks is that language's boilerplate; in a report it is a slip.
Raw names are what the data call things: the contracts' columns, the
codebook's codes and the columns of the figure CSVs.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import load_contracts
from via_reports.resources import templates_dir

LANGUAGES = ("nl", "en")
#: Jinja tags and placeholders of the authored texts: code, not words.
_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> set[str]:
    """The lowercase words and names of ``text`` (letters, digits and underscores)."""
    return {t.lower() for t in _TOKEN.findall(text)}


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@functools.lru_cache(maxsize=None)
def vocabulary(language: str) -> frozenset[str]:
    """Every word the report's own sources hold in ``language``."""
    pdf = templates_dir() / "pdf"
    texts = _strings(yaml.safe_load((pdf / "labels.yaml").read_text(encoding="utf-8"))[language])
    for path in sorted((pdf / "wording").glob("*.yaml")) if (pdf / "wording").is_dir() else []:
        texts += _strings(yaml.safe_load(path.read_text(encoding="utf-8")).get(language, {}))
    for code_list in load_codebook().lists.values():
        for entry in code_list.labels.values():
            texts += [text for key, text in entry.items() if key == language or key.endswith(f"_{language}")]
        texts += [code_list.missing_label[language]] if code_list.missing_label else []
    for contract in load_contracts().values():
        texts.append(contract.label[language])
        texts += [column.label[language] for column in contract.columns.values()]
    for path in sorted((templates_dir() / "text" / language).glob("*.md")):
        texts.append(_JINJA.sub(" ", path.read_text(encoding="utf-8")))
    return frozenset(tokens(" ".join(texts)))


def other_language_words(language: str) -> frozenset[str]:
    """The words of the other language's sources that this language's sources never use."""
    other = next(lang for lang in LANGUAGES if lang != language)
    return frozenset(w for w in vocabulary(other) - vocabulary(language) if w.isalpha() and len(w) > 1)


def raw_names(figure_csvs: list[Path]) -> frozenset[str]:
    """Names of the data that a reader should never see: columns, codes, figure columns (as written)."""
    names = set()
    for contract in load_contracts().values():
        names |= set(contract.columns) | {contract.table}
    for code_list in load_codebook().lists.values():
        names |= {code for code in code_list.codes if isinstance(code, str) and len(code) > 2}
    for path in figure_csvs:
        names |= set(path.read_text(encoding="utf-8").splitlines()[0].split(","))
    return frozenset(n for n in names if len(n) > 1)


def raw_words(text: str) -> set[str]:
    """Words of ``text`` that only code writes: with an underscore (``paid_work``, ``country_label``)."""
    return {t for t in _TOKEN.findall(text) if "_" in t}


def table_headers(html: str) -> set[str]:
    """The column headers of every table in a report's HTML, as a reader sees them."""
    import html as html_lib

    return {html_lib.unescape(h).strip() for h in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)}


def pdf_pages(pdf: Path, *, layout: bool = False) -> list[str]:
    """The text of each page of ``pdf`` as pdftotext reads it, words broken at a line end joined again.

    In reading order by default (a table header's hyphenated word comes back whole); with
    ``layout`` as the page shows it (a running title and its page number on one line).
    """
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [re.sub(r"(\w)-\n\s*(\w)", r"\1\2", page) for page in text.split("\f")]


def reader_text(pdf: Path, *, names: list[str], skip_pages_titled: str) -> str:
    """The PDF's text as a check of its language reads it.

    Pages whose running title is ``skip_pages_titled`` are left out (the
    codebook names the data's columns and codes on purpose), and so are
    ``names`` (people, places, organisations, instruments): a name is in no
    language. A word cut short ("de an…", a label too long for its chart) is
    in no language either.
    """
    skipped = {index for index, page in enumerate(pdf_pages(pdf, layout=True))
               if re.search(rf"^\s*{re.escape(skip_pages_titled)}\s+\d+\s*$", page, re.M)}
    pages = [page for index, page in enumerate(pdf_pages(pdf)) if index not in skipped]
    text = re.sub(r"\s+", " ", "\n".join(pages))
    text = re.sub(r"\w+…", "…", text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(re.sub(r"\s+", " ", name), " ")
    return text
