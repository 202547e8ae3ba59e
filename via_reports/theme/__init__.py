"""The look of a report: its theme, and charts drawn in it.

A layer between the figures and the chapters: a theme (:mod:`.themes`: page,
fonts, colours, the chart style the figures are drawn in), a chart drawn as
SVG or PNG in the theme's embedded fonts (:mod:`.svg`, vl-convert), and the
cache of drawn charts and rendered parts (:mod:`.cache`). The chapter
notebooks draw their charts with it, and the renderers lay the same SVGs
out, so both read it from here and neither imports the other.
"""
