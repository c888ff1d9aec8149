"""Leadline: a self-hosted lead-to-deal CRM engine."""

__version__ = "0.1.0"
