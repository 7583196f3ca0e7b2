"""The Planner page: a wizard that sizes a project and shows where it could run (issue 10)."""
