"""The generated appendices: data tables behind every figure, codebook, provenance."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import math
from typing import Any

from via_reports.figures.figure import Figure
from via_reports.render.labels import labels_for
from via_reports.document.model import (
    Numbering,
    ReportDocument,
    anchor_slug,
)

# =========================================================================== tables

#: From this many columns a data table is set as ``wide`` (smaller type, narrow first column; report.css).
WIDE_TABLE = 8

def _format_number(value: Any, language: str, column: str) -> str:
    from babel.numbers import format_decimal

    locale = labels_for(language)["locale"]
    if isinstance(value, float):
        if column.lower() in ("percent", "percentage", "%") or column.lower().startswith("perc"):
            return format_decimal(value, format="#,##0.0", locale=locale)
        if value.is_integer():
            return format_decimal(value, format="#,##0", locale=locale)
        return format_decimal(value, format="#,##0.0##", locale=locale)
    return format_decimal(value, format="#,##0", locale=locale)


def format_cell(value: Any, language: str, column: str = "") -> tuple[str, bool]:
    """(text, is_number) for one table cell, in the report's number format."""
    import numpy as np
    import pandas as pd

    labels = labels_for(language)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return labels["missing_value"], False
    if isinstance(value, (bool, np.bool_)):
        return (labels["word_yes"] if value else labels["word_no"]), False
    if isinstance(value, (int, np.integer)):
        return _format_number(int(value), language, column), True
    if isinstance(value, (float, np.floating)):
        return _format_number(float(value), language, column), True
    return str(value), _reads_as_number(str(value), labels["locale"])


def _reads_as_number(text: str, locale: str) -> bool:
    """A figure's table may hold numbers already formatted ('12,5'): they align as numbers too."""
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return False
    return True


def data_table_html(figure: Figure, labels: dict[str, Any], language: str, *,
                    caption: str | None, table_id: str | None = None) -> str:
    """A figure's ``display_table`` as an accessible HTML table (th with scope)."""
    table = figure.display_table
    columns = [str(c) for c in table.columns]
    body = []
    numeric = [True] * len(columns)
    for record in table.itertuples(index=False, name=None):
        cells = []
        for i, (column, value) in enumerate(zip(columns, record)):
            text, is_number = format_cell(value, language, column)
            if not is_number and text != labels["missing_value"]:
                numeric[i] = False
            cells.append((text, is_number))
        body.append(cells)
    num_class = ' class="num"'
    head = "".join(f'<th scope="col"{num_class if numeric[i] and i else ""}>{html_lib.escape(c)}</th>'
                   for i, c in enumerate(columns))
    rows = []
    for cells in body:
        out = []
        for i, (text, is_number) in enumerate(cells):
            cls = ' class="num"' if is_number else ""
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            out.append(f"<{tag}{scope}{cls}>{html_lib.escape(text)}</{tag}>")
        rows.append("<tr>" + "".join(out) + "</tr>")
    size = "small" if len(rows) <= 24 else "long"
    if len(columns) >= WIDE_TABLE:
        size += " wide"
    cap = f"<caption>{caption}</caption>" if caption else ""
    ident = f' id="{table_id}"' if table_id else ""
    return (f'<div class="table-wrap {size}"><table class="data-table {size}"{ident}>{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def codebook_appendix(language: str, labels: dict[str, Any]) -> str:
    from via_reports.data.codebook import load_codebook
    from via_reports.data.contracts import contract_version, load_contracts

    codebook = load_codebook()
    out = [f"<p>{html_lib.escape(labels['codebook_intro'].format(version=contract_version()))}</p>"]
    for contract in load_contracts().values():
        title = f"{labels['codebook_table']} {contract.table}: {contract.label[language]}"
        out.append(f'<h2 id="codebook-{contract.table}">{html_lib.escape(title)}</h2>')
        rows = []
        for column in contract.columns.values():
            type_name = labels["types"].get(column.type, column.type)
            if column.personal:
                type_name += f"; {labels['codebook_personal']}"
            codes = ""
            if column.codes:
                code_list = codebook[column.codes]
                entries = [f"{code} = {code_list.label(code, language)}" for code in code_list.codes]
                if code_list.missing_label:
                    entries.append(f"{labels['codebook_missing']} = {code_list.missing_label[language]}")
                codes = "; ".join(entries)
            elif column.type == "boolean":
                codes = f"true = {labels['word_yes']}; false = {labels['word_no']}"
            rows.append(
                f'<tr><th scope="row">{html_lib.escape(column.name)}</th>'
                f"<td>{html_lib.escape(column.label[language])}</td>"
                f"<td>{html_lib.escape(type_name)}</td><td class=\"codes\">{html_lib.escape(codes)}</td></tr>")
        size = "small" if len(rows) <= 14 else "long"
        out.append(
            f'<div class="table-wrap {size}"><table class="codebook-table {size}"><thead><tr>'
            f'<th scope="col">{labels["codebook_variable"]}</th><th scope="col">{labels["codebook_label"]}</th>'
            f'<th scope="col">{labels["codebook_type"]}</th><th scope="col">{labels["codebook_codes"]}</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    return "\n".join(out)


def data_tables_appendix(doc: ReportDocument, numbering: Numbering, appendix_number: str,
                          labels: dict[str, Any]) -> str:
    out = [f"<p>{html_lib.escape(labels['data_tables_intro'])}</p>"]
    for k, figure in enumerate(doc.figures(), start=1):
        number = numbering.figures[figure.id]
        anchor = numbering.figure_anchor(figure.id)
        caption = (f'<span class="table-label">{labels["table"]} B{appendix_number}.{k}.</span> '
                   f"{html_lib.escape(figure.caption(None))}, {labels['at_figure']} "
                   f'<a href="#{anchor}">{number}</a>')
        out.append(data_table_html(figure, labels, doc.language, caption=caption,
                                   table_id=f"tab-{anchor_slug(figure.id)}"))
    return "\n".join(out)


def _provenance_rows(doc: ReportDocument, labels: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value as HTML) for every provenance item, a build's parameters each on a row, in the report's words."""
    from babel import Locale
    from babel.numbers import format_decimal

    from via_reports.document.facts import long_date

    language = doc.language
    items = {k: v for k, v in doc.provenance.items() if k != "parameters"}
    items.update(doc.provenance.get("parameters", {}))
    if "publication_date" in items:
        items["publication_date"] = long_date(dt.date.fromisoformat(str(items["publication_date"])), language)
    if "kind" in items:
        items["kind"] = labels["report_kinds"].get(items["kind"], items["kind"])
    if "language" in items:
        items["language"] = Locale.parse(language).languages.get(items["language"], items["language"])
    if "data" in items and items["data"] is None:
        items["data"] = labels["demo_data"]
    known = labels["provenance_keys"]
    rows = []
    for key in [k for k in known if k in items] + sorted(k for k in items if k not in known):
        value = items[key]
        if isinstance(value, float):
            text = html_lib.escape(format_decimal(value, locale=labels["locale"]))
        elif isinstance(value, bool):
            text = labels["word_yes"] if value else labels["word_no"]
        elif key == "data_fingerprint":  # a hash breaks anywhere, never with a hyphen
            text = f'<span class="hash">{html_lib.escape(str(value))}</span>'
        else:
            text = html_lib.escape(labels["missing_value"] if value is None else str(value))
        rows.append((html_lib.escape(known.get(key, key)), text))
    return rows


def provenance_appendix(doc: ReportDocument, labels: dict[str, Any]) -> str:
    rows = "".join(f'<tr><th scope="row">{label}</th><td class="value">{value}</td></tr>'
                   for label, value in _provenance_rows(doc, labels))
    return (f"<p>{html_lib.escape(labels['provenance_intro'])}</p>"
            '<div class="table-wrap"><table class="provenance-table"><thead><tr>'
            f'<th scope="col">{labels["provenance_item"]}</th><th scope="col">{labels["provenance_value"]}</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></div>")
