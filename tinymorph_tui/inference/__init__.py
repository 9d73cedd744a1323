"""tinymorph inference package."""
