"""Lead use cases: the lead record, its status moves and the lead workflow."""
