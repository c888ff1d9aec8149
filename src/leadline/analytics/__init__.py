"""Read-only analytics: every figure is computed by the database, never by loading rows."""
