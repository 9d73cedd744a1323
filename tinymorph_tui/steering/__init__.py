"""tinymorph steering package."""
