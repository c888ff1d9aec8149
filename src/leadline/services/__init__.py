"""Use cases: one function, one unit of work, one commit. Every transport calls these.

A subpackage or module per area, with the same names as the domain and persistence
(docs/ARCHITECTURE.md); ``ports/`` declares what they need from storage.
"""
