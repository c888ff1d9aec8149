"""The Salesforce-compatible API: Salesforce's REST addresses, names, ids and errors in front of
the same use cases the native API calls (docs/adr/0041, docs/salesforce-conformance.md).

A transport beside ``leadline.api``, ``leadline.web`` and ``leadline.cli``; ``leadline.asgi``
mounts it. Its vocabulary (ids, field maps) is pure data in ``leadline.domain.salesforce``."""
