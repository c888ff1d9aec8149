"""``leadline report funnel|conversion-time|stages|velocity|pipeline``."""
