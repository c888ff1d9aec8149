"""Duplicate rules (what makes two records the same), the scoring of a record against others, the
grouping of many records by blocking keys, and the choice of surviving values in a merge."""
