"""Administration: users and their roles, facilitators of courses, managers of cohorts."""
