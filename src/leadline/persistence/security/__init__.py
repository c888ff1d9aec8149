"""Storage of users, tokens, sharing, idempotency keys, audit events, sign-in throttles and rate counters."""
