"""The REST API under /api/v1: parse, call one use case, render. Errors map to RFC 9457 problems
in one table (``problems.py``)."""
