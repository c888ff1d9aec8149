"""Opportunities: the opportunity and its stages, products and line items, sales processes."""
