"""Read models built from the event log only, exactly once, rebuildable from zero at any time.

One module per read model (its tables, its handlers and its queries); `engine/` holds what they
share: connections, the per-batch write buffer, the runner."""
