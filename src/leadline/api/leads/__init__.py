"""/api/v1/leads: the lead record and working it (status moves, qualification, conversion)."""
