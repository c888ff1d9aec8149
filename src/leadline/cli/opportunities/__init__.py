"""``leadline opportunity ...``: selling an opportunity and its parts."""
