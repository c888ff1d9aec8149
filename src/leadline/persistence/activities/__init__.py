"""Storage of activities."""
