"""Reports: what managers, facilitators and admins see of their cohorts' progress."""
