"""Opportunity use cases: lifecycle, parts (products, contact roles) and list queries."""
