"""Lead capture use cases: forms, public submissions, quarantine, calls, referrals (issue 18)."""
