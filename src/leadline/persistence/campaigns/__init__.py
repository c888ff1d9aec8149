"""Campaigns and their members."""
