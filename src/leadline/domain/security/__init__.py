"""Who may do what: users and roles, record access, sign-in throttling."""
