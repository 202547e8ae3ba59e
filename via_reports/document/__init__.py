"""The report as a document: its model, and the authored texts filled with live numbers.

A layer between the chapters and the renderers. :mod:`.model` is the
document (chapters of Markdown and figure blocks, generated appendices) and
its numbering; the authored texts are Markdown with placeholders that read
the figures (:mod:`.text` and the modules it is made of), with the study's
own facts (:mod:`.facts`) and the effects' bottom line (:mod:`.bottom_line`).
The renderers read a finished document; the build (:mod:`via_reports.report`)
fills one. Neither is imported from here.
"""
