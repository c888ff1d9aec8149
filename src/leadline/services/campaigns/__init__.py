"""Campaign use cases: campaigns, members, attribution."""
