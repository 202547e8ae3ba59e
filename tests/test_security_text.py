"""A dataset's own texts are templates: every way to hang, eat memory, read another
file or crash is a TextError naming the file and the line. (Issue 8, items 4 and 5.)
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from via_reports import TextError
from via_reports.figures.figure import Figure
from via_reports.document import text as text_module
from via_reports.document.text import TextContext, render_text
from via_reports.document.text_files import load_text


@pytest.fixture
def context():
    data = pd.DataFrame({"instrument": ["power"], "label": ["{{ 7 * 7 }} <script>x</script>"],
                         "count": [3], "n": [8]})
    figure = Figure(id="instruments.use", title="t", n=8, data=data, chart=None, alt_text="")
    return TextContext(figures={"instruments.use": figure}, language="nl",
                       study={"client": "Gemeente {{ lipsum(1000) }}", "authors": ["A", "B"]})


ATTACKS = {
    # name: (template line, fragment of the message)
    "nested range(100000)": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                             "range() with 100,000 items"),
    "three nested loops": ("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
                           "{% endfor %}{% endfor %}{% endfor %}", "ran longer than"),
    "a loop over a literal list": ("{% for i in [1,2,3,4,5,6,7,8,9,10] * 100 %}{% for j in range(1000) %}"
                                   "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}", "ran longer than"),
    "'{:>1000000000}'.format": ("{{ '{:>1000000000}'.format(1) }}", "format width or precision above 100"),
    "width from an argument": ("{{ '{:>{}}'.format(1, 1000000000) }}", "may not come from an argument"),
    "%-format width": ("{{ '%1000000000d' % 1 }}", "format width or precision above 100"),
    "%-format star": ("{{ '%*d' % (1000000000, 1) }}", "may not come from an argument"),
    "format filter": ("{{ '%1000000000s'|format(1) }}", "format width or precision above 100"),
    "string repetition": ("{{ 'x' * 1000000000 }}", "'*' would make a value of 1,000,000,000"),
    "list repetition": ("{{ ([1] * 1000000000)|length }}", "'*' would make a value"),
    "doubling with ~": ("{% set a = 'x' * 1000 %}" + "{% set a = a ~ a %}" * 40 + "{{ a|length }}",
                        "'~' would make a value"),
    "doubling with +": ("{% set a = 'x' * 1000 %}" + "{% set a = a + a %}" * 40 + "{{ a|length }}",
                        "'+' would make a value"),
    "huge power": ("{{ 10 ** 100000000 }}", "exponent above 100"),
    "power chain": ("{% set a = 2 ** 100 %}{% set a = a ** 100 %}{% set a = a ** 100 %}{{ a }}", "bits"),
    "product chain": ("{% set a = 2 ** 60 %}" + "{% set a = a * a %}" * 40 + "{{ 1 }}", "bits"),
    "center": ("{{ 'x'.center(1000000000) }}", "string method center() is not available"),
    "zfill": ("{{ 'x'.zfill(1000000000) }}", "string method zfill() is not available"),
    "replace method": ("{% set a = 'x' * 10000 %}{{ a.replace('x', 'y' * 10000) }}", "replace would make"),
    "replace filter": ("{% set a = 'x' * 10000 %}{{ a|replace('x', 'y' * 10000) }}", "replace would make"),
    "join filter": ("{{ (range(1000)|list)|join('y' * 10000) }}", "join would make"),
    "indent filter": ("{{ 'x'|indent(1000000000) }}", "No filter named 'indent'"),
    "random filter (not reproducible)": ("{{ [1, 2]|random }}", "No filter named 'random'"),
    "lipsum": ("{{ lipsum(n=100000000) }}", "'lipsum' is undefined"),
    "sum of lists": ("{{ ([range(1000)|list] * 1000)|sum(start=[]) }}", "sum adds numbers only"),
    "macro output": ("{% macro m() %}{% for i in range(1000) %}{% for j in range(1000) %}{{ 'x' * 1000 }}"
                     "{% endfor %}{% endfor %}{% endmacro %}{{ m()|length }}", "more than 500,000 characters"),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself without end"),
    "include": ("{% include '/etc/passwd' %}", "{% include %} is not allowed"),
    "import": ("{% import 'x.md' as x %}", "{% import %} is not allowed"),
    "from import": ("{% from 'x.md' import y %}", "{% from ... import %} is not allowed"),
    "extends": ("{% extends 'x.md' %}", "{% extends %} is not allowed"),
    "python internals": ("{{ count.__func__.__globals__ }}", "unsafe"),
    "class walk": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
    "mutating a list": ("{% set a = [1] %}{{ a.append(2) }}", "unsafe"),
    "division by zero": ("{{ 1 / 0 }}", "ZeroDivisionError"),
}


@pytest.mark.parametrize("source, fragment", ATTACKS.values(), ids=list(ATTACKS))
def test_a_hostile_text_is_a_located_text_error(source, fragment, context, monkeypatch):
    # the loops run until the processor-time limit: a short one tests the same stop, in a quarter second
    monkeypatch.setattr(text_module, "MAX_SECONDS", 0.25)
    started = time.perf_counter()
    with pytest.raises(TextError) as info:
        render_text("# Aanpak\n\nEerste regel.\n" + source + "\n", context, name="text/nl/approach.md")
    assert time.perf_counter() - started < text_module.MAX_SECONDS * text_module.WALL_FACTOR + 3
    message = str(info.value)
    assert message.startswith("text/nl/approach.md, line 4: "), message
    assert fragment in message, message


def test_plain_output_over_the_limit_names_the_file(context):
    with pytest.raises(TextError, match=r"^t\.md(, line \d+)?: the text produces more than 500,000"):
        render_text("{% for i in range(1000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
                    context, name="t.md")


def test_values_with_template_syntax_are_printed_not_run(context):
    out = render_text('{{ study.client }} / {{ value("instruments.use", "label", instrument="power") }}', context)
    assert out == "Gemeente {{ lipsum(1000) }} / {{ 7 * 7 }} <script>x</script>"


def test_ordinary_texts_still_work(context):
    out = render_text("{{ study.authors|join(', ') }}; {{ '{:>4}'.format(3) }}; {{ '%.1f' % 2.25 }}; "
                      "{{ 2 ** 10 }}; {% for a in study.authors %}{{ loop.index }}{% endfor %}; "
                      "{{ 'Ja'|lower ~ '!' }}; {{ [1, 2, 3]|sum }}", context)
    assert out == "A, B;    3; 2.2; 1024; 12; ja!; 6"


def test_a_latin1_or_linked_text_is_a_text_error(tmp_path, context):
    folder = tmp_path / "data"
    (folder / "text" / "nl").mkdir(parents=True)
    (folder / "text" / "nl" / "approach.md").write_bytes("# Aanpak\n\ncafé\n".encode("latin-1"))
    with pytest.raises(TextError, match="approach.md is not UTF-8 text"):
        load_text("approach", context, folder)
    (folder / "text" / "nl" / "approach.md").unlink()
    (folder / "text" / "nl" / "approach.md").symlink_to("/etc/passwd")
    with pytest.raises(TextError, match="symbolic link") as info:
        load_text("approach", context, folder)
    assert "root:" not in str(info.value)


def test_the_output_limit_counts_each_character_once(context):
    out = render_text("{% set a = 'x' * 100000 %}{{ a }}{{ a }}{{ a }}{{ a }}", context)
    assert len(out) == 400_000 < text_module.MAX_OUTPUT


def test_the_time_limit_counts_processor_time_not_waiting():
    """A text that waits (as on a busy machine) is not stopped by the CPU limit; one that computes is."""
    waited = []
    with text_module._time_limit(0.3):
        time.sleep(0.6)  # waiting uses no processor time
        waited.append(True)
    assert waited
    with pytest.raises(text_module._TimeLimit):
        with text_module._time_limit(0.3):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                pass
