"""Saved views: each user's named filters of a list."""
