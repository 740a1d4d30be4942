"""Interview trees: the format-1 schema and (later) loading and checking."""
