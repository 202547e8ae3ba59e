"""The report layer: the document model, authored texts with live numbers,
themes, and the build that turns a dataset folder into a report folder.
"""
