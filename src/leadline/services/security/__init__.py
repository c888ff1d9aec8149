"""Who may do what: access, authentication, passwords, sign-in, users, sharing, visibility and
idempotency keys."""
