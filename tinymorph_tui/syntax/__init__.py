"""tinymorph syntax package."""
