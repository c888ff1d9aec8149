"""``leadline import ...``: bulk import from files."""
