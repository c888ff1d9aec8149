"""Storage of money over time and the read-only aggregate queries of the forecast and pipeline."""
