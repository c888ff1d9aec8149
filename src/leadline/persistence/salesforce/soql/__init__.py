"""A parsed SOQL query (``domain/salesforce/soql``) to ONE SQLAlchemy statement.

``compile_soql`` (compiler.py) turns the text into a statement against a ``Catalog`` (model.py),
with record-level security inside the statement; ``LeadlineCatalog`` (catalog.py) is the catalog
of Lead, Contact, Account, Opportunity and User; ``RecordShaper`` (records.py) turns a row into
Salesforce's record (docs/adr/0042-soql-compiled-to-one-statement.md).
"""
