"""Use cases: one function, one unit of work, one commit. Every transport calls these."""
