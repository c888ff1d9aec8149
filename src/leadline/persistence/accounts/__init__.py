"""Storage of accounts and contacts."""
