"""Ports: what use cases need from storage, as Protocols typed with domain records.

The unit of work (``UnitOfWork``) and one repository Protocol per store, a module per area (the
same area names as persistence/): leads, accounts, opportunities, activities, conversion,
configuration, security, forecast, and ``records`` for what every record repository shares.
Persistence implements them with SQL, tests with in-memory fakes; services import only these.
"""

from leadline.services.ports.unit_of_work import RecordReads, UnitOfWork

__all__ = ["RecordReads", "UnitOfWork"]
