"""Storage of configuration, and the record of which sessions wrote it."""
