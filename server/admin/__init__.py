"""Administration: the rules for changing reference data and staff accounts (the admin role's work)."""
