"""Cohorts: groups taking a course together, joined with a code."""
