"""The HTTP API (issue: the HTTP API for every actor)."""
