"""Assignment use cases: the rule set, assigning leads, simulating a draft rule set."""
