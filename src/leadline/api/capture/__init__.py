"""/api/v1/forms, /api/v1/capture/..., and the public form endpoint /f/{key} (issue 18)."""
