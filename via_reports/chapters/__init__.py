"""The chapter layer: the registry of chapters, the API their notebooks call,
running notebooks with papermill, and collecting outputs from executed notebooks.
"""
