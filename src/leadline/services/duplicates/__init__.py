"""Duplicate rules, checks on creation, the duplicate-group job, and merges with their undo."""
