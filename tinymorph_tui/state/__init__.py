"""tinymorph state package."""
