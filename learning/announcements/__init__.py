"""Announcements: a facilitator's message to a cohort or part of it, and who received it."""
