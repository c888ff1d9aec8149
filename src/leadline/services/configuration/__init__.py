"""Admin use cases over configuration: statuses and sources, sales configuration, the lead
workflow, and setting up an organisation."""
