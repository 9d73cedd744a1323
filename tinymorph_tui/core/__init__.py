"""tinymorph core package."""
