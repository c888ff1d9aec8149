"""Assignment rules, round-robin groups and the assignment log."""
