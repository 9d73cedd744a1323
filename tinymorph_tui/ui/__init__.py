"""tinymorph ui package."""
