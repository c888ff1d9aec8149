"""Leads: the lead record, its warnings, qualification criteria and the status workflow."""
