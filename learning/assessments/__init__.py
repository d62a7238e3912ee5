"""Self-assessments: taking an instrument, results and the mindset shift, group aggregates."""
