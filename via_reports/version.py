"""The package's version, in a module of its own at the bottom of the layers.

Every layer that records the version (the build key, the chapter cache, the
manifest's provenance) imports it from here, never from the package facade
``via_reports``: the facade sits on top and imports the build lazily, so a
lower module importing it would close a loop. ``pyproject.toml`` states the
same number; ``tests/test_layers.py`` checks that they agree.
"""

__version__ = "0.1.0"
