"""Report themes: a folder of data, no code.

A theme lives in ``templates/pdf/themes/<name>/`` (or any folder given by
path) and holds

* ``theme.yaml``: page size and margins, fonts (family + font files), colours,
  the chart palette, chart sizes, logo, cover image and, optionally, a publisher block
  (study.yaml's ``publisher`` comes first; the shipped themes have none);
* ``theme.css``: the theme's own CSS rules (cover layout, decorations). It can
  use the CSS variables generated from ``theme.yaml`` (``--color-heading``,
  ``--font-body``, ...; see :meth:`Theme.css_variables`), so every colour and
  font is written down once, in the YAML, and the charts get the same values.

Paths in ``theme.yaml`` are relative to the theme folder. Every file a theme
names must exist, and every text colour must reach a contrast of 4.5:1 with
its background (WCAG AA); otherwise :class:`~via_reports.exceptions.RenderError`.
A theme that does not exist is a wrong parameter
(:class:`~via_reports.exceptions.ParameterError`, exit status 2).

A theme is read, never followed out of its folder: ``theme.yaml``, ``theme.css``,
the logo, the cover image, ``interactive_css`` and the fonts (which may also be
the project's shipped fonts) must be files inside the theme folder, not links,
and the CSS may refer (``url()``, ``@import``) only to ``data:`` URIs and files
of the theme; otherwise :class:`~via_reports.exceptions.ParameterError` (a
theme is a parameter of the build, exit status 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from via_reports.exceptions import ParameterError, RenderError
from via_reports.files import InputRefused, file_in_folder, read_small_yaml
from via_reports.options import DEFAULT_OPTIONS, available_themes
from via_reports.resources import templates_dir, themes_dir

#: WCAG 2.1 AA contrast for text (and, in this project, for chart colours,
#: which also carry white or dark labels).
MIN_CONTRAST = 4.5

FONT_FACES = {  # key in theme.yaml -> (CSS font-weight, font-style)
    "regular": (400, "normal"),
    "italic": (400, "italic"),
    "bold": (700, "normal"),
    "bold_italic": (700, "italic"),
}

#: Colours a theme must define, and which of them must be readable on which.
REQUIRED_COLORS = ("text", "muted", "heading", "accent", "link", "rule", "background",
                   "cover_background", "cover_text", "table_header_background")
TEXT_ON_BACKGROUND = (
    ("text", "background"),
    ("muted", "background"),
    ("heading", "background"),
    ("link", "background"),
    ("cover_text", "cover_background"),
    ("text", "table_header_background"),
)

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
#: Values written into the CSS as they are: a font family, a page size or margin.
_FONT_FAMILY = re.compile(r"^[A-Za-z0-9 _-]{1,60}$")
_PAGE_VALUE = re.compile(r"^[A-Za-z0-9 .%-]{1,60}$")


@dataclass(frozen=True)
class FontFace:
    path: Path
    weight: int
    style: str


@dataclass(frozen=True)
class FontFamily:
    family: str
    faces: tuple[FontFace, ...]

    @property
    def directory(self) -> Path:
        return self.faces[0].path.parent


@dataclass(frozen=True)
class Publisher:
    name: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    web: str | None = None


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    page_size: str
    page_margin: str
    body_font: FontFamily
    heading_font: FontFamily
    colors: dict[str, str]
    palette: tuple[str, ...]
    chart: dict[str, Any]
    #: The publisher block of a theme made for one institute; study.yaml's ``publisher`` comes first.
    publisher: Publisher | None
    css_path: Path | None = None
    #: Extra CSS for the interactive HTML only.
    interactive_css_path: Path | None = None
    logo: Path | None = None
    logo_alt: str = ""
    cover_image: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def font_families(self) -> list[FontFamily]:
        families = [self.body_font]
        if self.heading_font.family != self.body_font.family:
            families.append(self.heading_font)
        return families

    def resource_files(self) -> list[Path]:
        files = [face.path for fam in self.font_families for face in fam.faces]
        files += [p for p in (self.css_path, self.interactive_css_path, self.logo, self.cover_image) if p is not None]
        return files

    def check_resources(self) -> None:
        """Every file the theme names must exist (a silently missing logo is worse than an error)."""
        missing = [str(p) for p in self.resource_files() if not p.is_file()]
        if missing:
            raise RenderError(f"theme {self.name!r} names file(s) that do not exist: {', '.join(missing)}")

    def font_face_css(self) -> str:
        rules = []
        for fam in self.font_families:
            for face in fam.faces:
                rules.append(
                    "@font-face {\n"
                    f"  font-family: \"{fam.family}\";\n"
                    f"  src: url(\"{face.path.as_uri()}\");\n"
                    f"  font-weight: {face.weight};\n"
                    f"  font-style: {face.style};\n"
                    "}"
                )
        return "\n".join(rules)

    def css_variables(self) -> str:
        """``:root { --color-text: ...; --font-body: ...; }`` from theme.yaml."""
        lines = [f"  --color-{key.replace('_', '-')}: {value};" for key, value in sorted(self.colors.items())]
        lines += [f"  --palette-{i + 1}: {value};" for i, value in enumerate(self.palette)]
        lines.append(f"  --font-body: \"{self.body_font.family}\";")
        lines.append(f"  --font-heading: \"{self.heading_font.family}\";")
        return ":root {\n" + "\n".join(lines) + "\n}"

    def page_css(self) -> str:
        return f"@page {{ size: {self.page_size}; margin: {self.page_margin}; }}"


# --------------------------------------------------------------------------- colours

def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def contrast_problems(colors: dict[str, str], palette: tuple[str, ...]) -> list[str]:
    problems = []
    for fg, bg in TEXT_ON_BACKGROUND:
        ratio = contrast_ratio(colors[fg], colors[bg])
        if ratio < MIN_CONTRAST:
            problems.append(f"colours.{fg} {colors[fg]} on colours.{bg} {colors[bg]} has contrast "
                            f"{ratio:.2f}:1, below {MIN_CONTRAST}:1")
    for i, color in enumerate(palette, start=1):
        ratio = contrast_ratio(color, colors["background"])
        if ratio < MIN_CONTRAST:
            problems.append(f"palette colour {i} {color} on the background has contrast {ratio:.2f}:1, "
                            f"below {MIN_CONTRAST}:1; choose a darker colour")
    return problems


# --------------------------------------------------------------------------- loading

def theme_folder(theme: str | Path) -> Path:
    """A plain name is a theme under templates/pdf/themes; anything else is a folder."""
    text = str(theme)
    if isinstance(theme, str) and "/" not in text and "\\" not in text:
        named = themes_dir() / text
        if named.is_dir():
            return named.resolve()
    candidate = Path(theme)
    if candidate.is_dir():
        return candidate.resolve()
    raise ParameterError(f"theme {str(theme)!r} not found: give a theme folder or one of "
                         f"{', '.join(available_themes())}")


def _theme_file(folder: Path, path: Any, key: str) -> Path:
    """A file named in theme.yaml, inside the theme folder (no link, no way out)."""
    try:
        return file_in_folder(folder, str(path), what=f"{key} of theme {folder.name!r}")
    except InputRefused as refused:
        raise ParameterError(str(refused)) from None


def _font_file(folder: Path, path: str) -> Path:
    """A font file named in theme.yaml: in the theme folder, else in the shared ``templates/pdf/``.

    So a theme kept anywhere (a municipality's own folder) can use the fonts
    the project ships, e.g. ``fonts/lato/Lato-Regular.ttf``. A file found in
    neither place is reported by the resource check.
    """
    own = _theme_file(folder, path, "font")
    if own.is_file():
        return own
    shared = _theme_file(templates_dir() / "pdf", path, "font")
    return shared if shared.is_file() else own


def css_references(css: str) -> list[str]:
    """Every URL a stylesheet refers to: ``url(...)`` anywhere and ``@import`` (parsed with tinycss2)."""
    import tinycss2

    found: list[str] = []

    def walk(tokens: Any) -> None:
        for token in tokens or ():
            if token.type == "url":
                found.append(token.value)
            elif token.type == "function":
                if token.lower_name in ("url", "src") and token.arguments:
                    found.extend(a.value for a in token.arguments if a.type == "string")
                walk(token.arguments)
            elif token.type == "at-rule":
                if token.lower_at_keyword == "import":
                    found.extend(t.value for t in token.prelude if t.type == "string")
                walk(token.prelude)
                walk(token.content)
            elif token.type == "qualified-rule":
                walk(token.prelude)
                walk(token.content)
            elif token.type in ("() block", "[] block", "{} block"):
                walk(token.content)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return found


def _check_css(path: Path, folder: Path) -> None:
    """A theme's CSS refers only to data: URIs and to files of the theme."""
    for url in css_references(path.read_text(encoding="utf-8")):
        if url.lower().startswith("data:"):
            continue
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url.startswith(("/", "\\")):
            raise ParameterError(f"{path.name} of theme {folder.name!r} refers to {url!r}; a theme's CSS may "
                                 "refer only to data: URIs and to files inside the theme folder")
        _theme_file(folder, url.split("#")[0].split("?")[0], f"url() in {path.name}")


def _font_family(spec: Any, folder: Path, where: str, problems: list[str]) -> FontFamily | None:
    if not isinstance(spec, dict) or "family" not in spec or "files" not in spec:
        problems.append(f"{where} needs 'family' and 'files' (regular, italic, bold, bold_italic)")
        return None
    faces = []
    for key, path in spec["files"].items():
        if key not in FONT_FACES:
            problems.append(f"{where}.files.{key} is unknown; use {', '.join(FONT_FACES)}")
            continue
        weight, style = FONT_FACES[key]
        faces.append(FontFace(_font_file(folder, path), weight, style))
    if "regular" not in spec["files"]:
        problems.append(f"{where}.files needs at least 'regular'")
    return FontFamily(str(spec["family"]), tuple(faces))


def load_theme(theme: str | Path | Theme = DEFAULT_OPTIONS["theme"]) -> Theme:
    """Read and check a theme by name (``default``, ``neutral``) or folder path."""
    if isinstance(theme, Theme):
        theme.check_resources()
        return theme
    folder = theme_folder(theme)
    path = _theme_file(folder, "theme.yaml", "theme.yaml")
    if not path.is_file():
        raise RenderError(f"theme folder {folder} has no theme.yaml")
    try:
        raw = read_small_yaml(path, what="theme.yaml") or {}
    except InputRefused as refused:
        raise ParameterError(str(refused)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise RenderError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise RenderError(f"{path} must be a mapping of keys to values")
    problems: list[str] = []

    colors = {str(k): str(v) for k, v in (raw.get("colors") or {}).items()}
    for key in REQUIRED_COLORS:
        if key not in colors:
            problems.append(f"colors.{key} is missing")
    for key, value in colors.items():
        if not _HEX.match(value):
            problems.append(f"colors.{key} {value!r} is not a #rrggbb colour")
    palette = tuple(str(c) for c in raw.get("palette") or ())
    if len(palette) < 2:
        problems.append("palette needs at least two colours")
    for value in palette:
        if not _HEX.match(value):
            problems.append(f"palette colour {value!r} is not a #rrggbb colour")
    if not problems:
        problems += contrast_problems(colors, palette)

    fonts = raw.get("fonts") or {}
    body = _font_family(fonts.get("body"), folder, "fonts.body", problems)
    heading_spec = fonts.get("heading", "body")
    heading = body if heading_spec == "body" else _font_family(heading_spec, folder, "fonts.heading", problems)

    for family in (body, heading):
        if family is not None and not _FONT_FAMILY.match(family.family):
            problems.append(f"font family {family.family!r} may hold only letters, digits, spaces and hyphens")
    pub = raw.get("publisher")
    if pub is not None and (not isinstance(pub, dict) or "name" not in pub):
        problems.append("publisher.name is missing")
    page = raw.get("page") or {}
    for key in ("size", "margin"):
        if key in page and not _PAGE_VALUE.match(str(page[key])):
            problems.append(f"page.{key} {page[key]!r} is not a CSS size (letters, digits, spaces, '.', '%')")
    if problems:
        raise RenderError(f"theme {path} has problems:\n- " + "\n- ".join(problems))

    def optional_file(key: str) -> Path | None:
        value = raw.get(key)
        return _theme_file(folder, value, key) if value else None

    css = _theme_file(folder, "theme.css", "theme.css")
    interactive_css = optional_file("interactive_css")
    for stylesheet in (css, interactive_css):
        if stylesheet is not None and stylesheet.is_file():
            _check_css(stylesheet, folder)
    result = Theme(
        name=str(raw.get("name", folder.name)),
        folder=folder,
        page_size=str(page.get("size", "A4")),
        page_margin=str(page.get("margin", "25mm 22mm 25mm 25mm")),
        body_font=body,
        heading_font=heading,
        colors=colors,
        palette=palette,
        chart={"font_size": 10, **(raw.get("chart") or {})},
        publisher=Publisher(
            name=str(pub["name"]),
            address=tuple(str(line) for line in pub.get("address") or ()),
            phone=pub.get("phone"),
            email=pub.get("email"),
            web=pub.get("web"),
        ) if pub else None,
        css_path=css if css.exists() else None,
        interactive_css_path=interactive_css,
        logo=optional_file("logo"),
        logo_alt=str(raw.get("logo_alt", "")),
        cover_image=optional_file("cover_image"),
        raw=raw,
    )
    result.check_resources()
    return result


# --------------------------------------------------------------------------- charts

def chart_style(theme: Theme) -> Any:
    """The :class:`~via_reports.figures.charts.ChartStyle` of this theme.

    The font is the PDF text's family (:func:`via_reports.theme.svg.register_fonts`
    makes its files known to vl-convert), the colours and palette are the
    theme's; keys under ``chart:`` in theme.yaml that name a field of
    ``ChartStyle`` (``font_size``, ``width``, ``total_color``, ``scale_palette``, ...)
    are taken as given.
    """
    from via_reports.figures.charts import ChartStyle
    from via_reports.theme.fit import chart_box_px

    values: dict[str, Any] = {
        "font": theme.body_font.family,
        "palette": tuple(theme.palette),
        "bar_color": theme.palette[0],
        "text_color": theme.colors["text"],
        "grid_color": theme.colors["rule"],
        "background": theme.colors["background"],
    }
    # the page a chart is printed on, and the font to measure its labels with (ChartStyle.plot_width_beside)
    page_width, page_height = chart_box_px(theme.page_size, theme.page_margin)
    regular = [face for face in theme.body_font.faces if face.weight == 400 and face.style == "normal"]
    values.update(page_width=page_width, page_height=page_height,
                  font_file=str(regular[0].path) if regular else None)
    # the page and the font file come from the theme's page and fonts, never from its ``chart:`` keys
    names = {f.name for f in fields(ChartStyle)} - {"page_width", "page_height", "font_file"}
    for key, value in theme.chart.items():
        if key in names:
            values[key] = tuple(value) if isinstance(value, (list, tuple)) else value
    return ChartStyle(**values)
