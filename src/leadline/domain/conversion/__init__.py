"""Lead conversion: the field mapping and options (rules), the plan and its planner, audit and duplicates."""
