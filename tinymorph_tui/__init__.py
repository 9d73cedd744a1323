"""tinymorph: a terminal modal editor for writers, with AI inlay hints and feature steering."""

__version__ = "0.1.0"
