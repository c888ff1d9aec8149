"""Bulk import use cases: reading the file, the duplicate check, and the job that writes blocks."""
