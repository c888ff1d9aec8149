"""Storage of leads: rows, the repository and the lean reads of the hot path."""
