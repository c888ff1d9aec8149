"""Salesforce's vocabulary, as pure data and functions: record ids with key prefixes, and the
field map of each object (Salesforce field name -> Leadline attribute). The Salesforce-compatible
transport (``leadline.salesforce``) and its query compiler read both (docs/adr/0041)."""
