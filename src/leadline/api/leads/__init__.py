"""/api/v1/leads: the lead record and working it (status moves, qualification); converting it is
api/conversion/."""
