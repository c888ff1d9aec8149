"""/api/v1/leads/...: converting leads (single, bulk, preview, undo, further opportunities, lineage)."""
