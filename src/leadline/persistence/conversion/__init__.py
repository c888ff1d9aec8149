"""Storage of conversions: rows, the repository, the stored JSON and the one writer of plans."""
