"""tinymorph server package."""
