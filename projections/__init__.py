"""Read models built from the event log (issue: projections)."""
