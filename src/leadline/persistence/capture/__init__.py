"""Storage of lead capture: forms, attribution, quarantine, used tokens and rate counters."""
