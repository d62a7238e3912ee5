"""Progress: what each participant has watched, read and completed."""
