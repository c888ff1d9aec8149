"""/api/v1 configuration (admins): statuses, sources, stages, custom fields, people, and the lead workflow."""
