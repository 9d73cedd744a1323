"""tinymorph commands package."""
