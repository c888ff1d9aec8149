"""/api/v1/reports: the funnel and sales reports."""
