"""The organisation's configuration (admins): statuses, sources, stages, fields and the lead workflow."""
