"""The pure core of Leadline: every rule of the lead-to-deal process, by name.

Nothing here imports anything but the standard library (an import-linter contract
in pyproject.toml proves it), so the rules can be read, tested and reused without
a database, a web framework or a terminal.
"""
