"""Everything that compares schemas (arrives with the drift issue)."""
