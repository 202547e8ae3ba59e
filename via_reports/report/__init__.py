"""The report layer: the build that turns a dataset folder into a report folder.

It sits above the renderers and ties every layer below together: the
up-to-date check (:mod:`.freshness`), the chapters run in their kernels
(:mod:`.chapter_runs`, :mod:`.kernel_start`), the authored texts checked
(:mod:`.text_check`) and filled, the document rendered in each format
(:data:`via_reports.formats.FORMATS`), and the finished folder moved into
place (:mod:`.build`). The document it fills is :mod:`via_reports.document`'s.
"""
