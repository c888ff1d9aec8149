"""The SQL of the Salesforce-compatible API: SOQL compiled to one statement per page (``soql/``)
and the queries port that runs it (``queries.py``)."""
