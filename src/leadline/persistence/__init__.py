"""Storage: the only package that imports SQLAlchemy. Rows, repositories, unit of work, migrations.

A subpackage per area (``leads``, ``accounts``, ``opportunities``, ``activities``, ``conversion``,
``configuration``, ``security``, ``forecast``), each with its ``rows`` and ``repositories``; the
shared kernel (database, base, types, mapping, unit of work, migrations) at the top
(docs/ARCHITECTURE.md).
"""
