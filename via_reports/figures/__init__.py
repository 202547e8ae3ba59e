"""The figure library: one module per computed chapter, one function per figure id.

Every figure function takes ``(dataset, scope, style=None)`` and returns a
:class:`~via_reports.figures.figure.Figure` (data, chart, caption, alt text,
generated sentences); :mod:`.charts` draws the charts, :mod:`.common` holds
the counting and labelling helpers they share. Which function builds which
figure id, and in which chapter, is declared in the chapter registry
(:mod:`via_reports.chapters.registry`)::

    from via_reports.chapters.registry import build_figure, chapter_figures
    figure = build_figure("participants.age_sex", dataset, scope)
    figures = chapter_figures("satisfaction", dataset, scope)

The figure ids and their populations are defined in ``docs/figures.md``; their CSV columns are
listed by ``scripts/figure_catalogue.py``, generated from the declarations.
"""
