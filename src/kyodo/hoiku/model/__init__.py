"""Facts and results (no logic)."""
