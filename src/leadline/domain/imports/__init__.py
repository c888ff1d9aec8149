"""Bulk import: column mappings, the import job and its resumable progress, duplicate policy."""
