"""Self-assessment instruments as course content: dimensions, statements, bands, feedback."""
