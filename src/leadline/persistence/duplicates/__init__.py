"""Storage of duplicate rules, duplicate groups, merges and the look-ups duplicate rules need."""
