"""Deadlines and the yearly calendar (issue: the scheduler)."""
