"""What an admin configures: lead statuses, sources, reason lists and custom fields."""
