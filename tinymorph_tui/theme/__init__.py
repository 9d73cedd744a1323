"""Theme loading: themes/*.toml -> styles per highlight scope."""
