def new() -> None:
    """Start a new case (in progress)."""
