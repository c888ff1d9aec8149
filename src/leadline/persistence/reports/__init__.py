"""Read-only aggregate queries behind the funnel and sales reports (leadline.analytics)."""
