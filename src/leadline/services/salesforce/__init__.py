"""Use cases of the Salesforce-compatible API that have no native twin: SOQL queries (``query``)."""
