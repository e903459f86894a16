"""Per-person tracking: the store, rosters, the event log and progress."""
