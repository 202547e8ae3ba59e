"""DIR/index.html of a batch: one offline page with every report, its status, links and key numbers.

The page is self-contained (its CSS inline, no script, nothing loaded from
elsewhere; a Content-Security-Policy says so) and links to the reports by
relative paths, so the folder can be copied or zipped as it is. Every value
from a study (its id, an error message) is escaped: data are text, never
markup. The key numbers of each report come from that report's own files
(:mod:`.key_numbers`), so a public edition shows only what it publishes.
"""

from __future__ import annotations

from html import escape
from typing import Any

from via_reports.analysis.formatting import format_number
from via_reports.figures.wording import interval, signed, wording

STYLE = """
body { font-family: sans-serif; margin: 2rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #bbb; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.failed { color: #a00000; font-weight: bold; }
.message { font-size: .9em; color: #444; }
"""


def counts(results: list[dict[str, Any]]) -> dict[str, int]:
    """How many reports were built, up to date and failed, and the total."""
    tally = {status: sum(1 for r in results if r["status"] == status) for status in ("built", "up_to_date", "failed")}
    return {**tally, "total": len(results)}


def _outcome(code: str, language: str) -> str:
    """An outcome's name in the page's language (its code when it has none)."""
    return wording("effects", language)["outcomes"].get(code, code)


def _bottom_line(numbers: dict[str, Any] | None, language: str) -> str:
    words = _words(language)
    if not numbers or numbers.get("outcome") is None:
        return words["none"]
    if numbers.get("effect") is None:
        return f"{escape(_outcome(numbers['outcome'], language))}: {words['withheld']}"
    proportion = numbers["unit"] == "proportion"
    scale = 100 if proportion else 1

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * scale

    # the reports' own formatters (figures.wording): a signed difference as in their text, the
    # interval as in their tables (no line break inside, '–' where there is none)
    unit = words["pp"] if proportion else words[numbers["unit"]]
    return (f"{escape(_outcome(numbers['outcome'], language))}: {signed(scaled(numbers['effect']), language, 1)} "
            f"{unit} ({interval(scaled(numbers['ci_low']), scaled(numbers['ci_high']), language, 1)})")


def index_html(title: str, results: list[dict[str, Any]], language: str, synthesis: bool) -> str:
    """The page (see the module); ``synthesis``: link the synthesis report in ``synthesis/``."""
    words = _words(language)
    rows = []
    for result in sorted(results, key=lambda r: (r["study"], r["folder"] or r["wave"])):
        edition = escape(result["wave"] + " " + (result.get("language") or "")
                         + (f" ({words['public']})" if result["public"] else ""))
        status = words[result["status"]]
        if result["status"] == "failed":
            cell = f'<span class="failed">{status}</span><div class="message">{escape(result["error"] or "")}</div>'
            links, n, bottom = words["none"], words["none"], words["none"]
        else:
            cell = f"{status} ({format_number(result['seconds'], language, decimals=1)} {words['seconds']})"
            folder = escape(result["folder"], quote=True)
            links = " · ".join(f'<a href="{folder}/{name}">{name}</a>'
                               for name in ("report.pdf", "report.html", "manifest.json"))
            numbers = result.get("key_numbers") or {}
            n = words["none"] if numbers.get("n") is None else escape(str(numbers["n"]))
            bottom = _bottom_line(numbers, language)
        rows.append(f"<tr><td>{escape(result['study'])}</td><td>{edition}</td><td>{cell}</td>"
                    f'<td class="number">{n}</td><td>{bottom}</td><td>{links}</td></tr>')
    tally = words["counted"].format(**counts(results))
    head = "".join(f'<th scope="col">{words[key]}</th>' for key in ("study", "edition", "status", "n", "bottom", "links"))
    synthesis_link = (f'<p><a href="synthesis/report.html">{words["synthesis"]}</a> '
                      f'(<a href="synthesis/report.pdf">PDF</a>)</p>' if synthesis else "")
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p>{words['title']}: {tally}.</p>
{synthesis_link}
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""


def _words(language: str) -> dict:
    """This module's fixed words in ``language``, from templates/pdf/wording/programme.yaml."""
    return wording("programme", language)["index_page"]
