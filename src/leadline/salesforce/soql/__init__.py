"""SOQL, the query language of Salesforce's REST API, over Leadline's tables.

``parse_soql`` (parser.py) turns the text into an immutable ``Query`` (syntax.py);
``compile_query`` (compiler.py) turns that into ONE SQLAlchemy statement against a ``Catalog``
(model.py), with record-level security inside the statement; ``leadline_catalog`` (catalog.py)
is the catalog of Lead, Contact, Account, Opportunity and User; ``run_query`` (service.py) runs a
query for an actor and pages the answer (docs/adr/0035-soql-compiled-to-one-statement.md).
"""
