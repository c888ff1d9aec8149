"""Forecast use cases that write: adjustments, snapshots and the money-over-time settings."""
