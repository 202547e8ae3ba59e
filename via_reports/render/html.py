"""One self-contained interactive HTML file (vega-embed and fonts inlined, no network needed).

The page carries a Content-Security-Policy (:func:`content_security_policy`):
only its own inline scripts run (each named by its SHA-256), charts evaluate
their expressions without ``eval`` (vega-embed's ``ast`` option), and nothing
is loaded from anywhere (no remote script, frame, connection, image or font).
Should some text from the data ever slip through as markup, a browser still
runs none of it.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from via_reports.options import DEFAULT_OPTIONS
from via_reports.render.assemble import RenderResult, figure_svgs, jinja, page_context, pinned_source_date
from via_reports.render.html_access import for_screen
from via_reports.theme.cache import RenderCache, font_file_hash
from via_reports.render.chart_words import interactive_spec
from via_reports.render.labels import labels_for, pdf_templates_dir
from via_reports.document.model import (
    Numbering,
    ReportDocument,
    number_document,
)
from via_reports.theme.themes import Theme, load_theme

# =========================================================================== interactive HTML

def vega_embed_bundle(cache: RenderCache | None = None) -> str:
    """vega, vega-lite and vega-embed as one script, from vl-convert (no CDN).

    Kept in ``cache`` under vl-convert's version: vl-convert takes about a second to bundle it,
    as long as the rest of a text edit's HTML.
    """
    from importlib.metadata import version

    def bundle() -> str:
        import vl_convert as vlc

        return vlc.javascript_bundle()

    return (cache or RenderCache(None)).get("vega-bundle", [version("vl-convert-python")], bundle)


def _data_uri(path: Path) -> str:
    import mimetypes

    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _script_safe(text: str) -> str:
    """JavaScript that cannot end its <script> element early ("</script" in any case)."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def _script_json(value: Any) -> str:
    """JSON for a <script> element: <, > and & as \\u escapes, so no text in it reads as markup."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _d3_locale(language: str) -> dict[str, Any]:
    import vl_convert as vlc

    return vlc.get_format_locale("nl-NL" if language == "nl" else "en-GB")


#: The characters of the HTML's subsetted fonts: every report's (Latin-1, Latin Extended-A, the
#: typography and signs the report uses). A report with a character beyond them gets fonts with
#: its own characters added. A fixed set lets a build subset the fonts before its text exists
#: (:func:`prepare_html`) and every report share them in the cache.
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x180)) + \
    "‘’‚“”„–—…•·≤≥±×÷€→←↑↓■▪−↩"


def font_characters(text: str) -> str:
    """The characters to subset the fonts to for a page with ``text``: :data:`_BASE_CHARS`, and any beyond them."""
    beyond = set(text) - set(_BASE_CHARS) - {"\n", "\r", "\t"}
    return "".join(sorted(set(_BASE_CHARS) | beyond))


def _font_face_data(path: Path, date, characters: str, cache: RenderCache) -> str:
    """One font face subsetted to ``characters``, as base64 WOFF2 (kept in ``cache``)."""
    with pinned_source_date(date):
        return cache.get("font", [font_file_hash(path), str(date), characters],
                         lambda: _subset_font_woff2(path, characters))


def prepare_fonts(theme: Theme, date, cache: RenderCache) -> None:
    """Subset the theme's fonts for a page of the common characters (:data:`_BASE_CHARS`), into ``cache``."""
    characters = font_characters("")
    for family in theme.font_families:
        for face in family.faces:
            _font_face_data(face.path, date, characters, cache)


def prepare_html(theme: Theme, date, cache: RenderCache) -> None:
    """What the HTML takes that is not the report's: its fonts (:func:`prepare_fonts`) and the vega
    bundle (:func:`vega_embed_bundle`), into ``cache``.

    A build calls it in its second renderer process while the chapters run, so
    that process renders the HTML at once when the text is ready (0.2 s against
    2.1 s for the final demo report with its fonts made and the bundle not), and
    is free for a part of the PDF (:func:`~via_reports.render.pdf._lay_out_round`).
    """
    vega_embed_bundle(cache)
    prepare_fonts(theme, date, cache)


def _subset_font_woff2(path: Path, text: str) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    import io

    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer, reorderTables=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _css_inline_fonts(theme: Theme, context: dict[str, Any], cache: RenderCache) -> str:
    """CSS for the interactive page: fonts inlined (subsetted, woff2, kept in ``cache``) so the file stands alone."""
    text_parts = [str(context["title"]), str(context["subtitle"])]
    for group in ("chapters", "appendices"):
        text_parts += [str(p.body) for p in context[group]]
    if context["summary"] is not None:
        text_parts.append(str(context["summary"].body))
    characters = font_characters(html_lib.unescape("".join(text_parts)))
    date = context["study"].publication_date
    rules = []
    for fam in theme.font_families:
        for face in fam.faces:
            data = _font_face_data(face.path, date, characters, cache)
            rules.append(
                f'@font-face {{ font-family: "{fam.family}"; font-weight: {face.weight}; '
                f"font-style: {face.style}; src: url(data:font/woff2;base64,{data}) format(\"woff2\"); }}")
    base = (pdf_templates_dir() / "interactive.css").read_text(encoding="utf-8")
    extra = theme.interactive_css_path.read_text(encoding="utf-8") if theme.interactive_css_path else ""
    return "\n".join([*rules, theme.css_variables(), base, extra])


#: Stands in for the policy while the page is made: the policy needs the page's final scripts.
_CSP_PLACEHOLDER = "via-reports-content-security-policy"
#: An inline script that runs (the chart specs are <script type="application/json">: data, not code).
_RUNNING_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def content_security_policy(page: str) -> str:
    """The policy for ``page``: its own inline scripts by hash, nothing from elsewhere."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode("ascii") + "'"
        for m in _RUNNING_SCRIPT.finditer(page))
    return ("default-src 'none'; "
            f"script-src {hashes}; "
            "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
            "connect-src 'none'; frame-src 'none'; child-src 'none'; worker-src 'none'; object-src 'none'; "
            "media-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")


def interactive_html(doc: ReportDocument, theme: Theme, numbering: Numbering,
                     svgs: dict[str, str] | None = None, cache: RenderCache | None = None) -> str:
    """The interactive page: charts as vega-embed specs, fonts and images inlined."""
    cache = cache or RenderCache(None)
    svgs = svgs if svgs is not None else figure_svgs(doc, theme, cache)
    context = page_context(doc, theme, numbering, "html", svgs)
    for part in [context["summary"], *context["chapters"], *context["appendices"]]:
        if part is not None:  # focusable, named scroll boxes for tables and charts
            part.body = Markup(for_screen(str(part.body), context["labels"]))
    context["css"] = Markup(_css_inline_fonts(theme, context, cache))
    for key, path in (("logo_uri", theme.logo), ("cover_image_uri", theme.cover_image)):
        context[key] = _data_uri(path) if path else None
    names = {**labels_for(doc.language)["chart_fields"], **doc.chart_fields}
    context["specs"] = [
        (f"vis-{numbering.figure_anchor(f.id)}", Markup(_script_json(interactive_spec(f.chart.to_dict(), names))))
        for f in doc.figures()
    ]
    context["vega_bundle"] = Markup(_script_safe(vega_embed_bundle(cache)))
    context["locale"] = Markup(_script_json(_d3_locale(doc.language)))
    labels = context["labels"]
    context["chart_words"] = Markup(_script_json({"actions": labels["chart_actions"], "svg": labels["chart_save_svg"],
                                                  "png": labels["chart_save_png"], "values": labels["chart_values"]}))
    context["csp"] = _CSP_PLACEHOLDER
    page = jinja().get_template("interactive.html.j2").render(**context)
    return page.replace(_CSP_PLACEHOLDER, content_security_policy(page), 1)


def render_html(doc: ReportDocument, theme: str | Path | Theme = DEFAULT_OPTIONS["theme"],
                out_path: str | Path = "report.html", *, svgs: dict[str, str] | None = None,
                cache: RenderCache | None = None) -> RenderResult:
    """Render ``doc`` to one self-contained HTML file with interactive charts.

    ``svgs``: the charts as :func:`~via_reports.render.assemble.figure_svgs` made them (made here
    when not given); ``cache``: where subsetted fonts and charts are kept between builds.
    """
    theme = load_theme(theme)
    numbering = number_document(doc)
    html_text = interactive_html(doc, theme, numbering, svgs, cache)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    tmp.write_text(html_text, encoding="utf-8", newline="\n")
    tmp.replace(out_path)
    return RenderResult(out_path, numbering)
