"""tinymorph hints package."""
