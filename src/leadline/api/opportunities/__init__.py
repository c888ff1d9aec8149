"""/api/v1/opportunities/{id}/...: selling an opportunity and its parts."""
