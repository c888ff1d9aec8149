"""Ports: what use cases need from storage, as Protocols typed with domain records.

The unit of work (``UnitOfWork``) and one repository Protocol per store, by area: records,
configuration, sales, conversion, security, forecast. Persistence implements them with SQL,
tests with in-memory fakes; services import only these.
"""

from leadline.services.ports.unit_of_work import RecordReads, UnitOfWork

__all__ = ["RecordReads", "UnitOfWork"]
