"""``leadline lead ...``: the lead record and the status workflow."""
