"""Campaigns: what a marketing effort cost, who it reached, and what it returned."""
