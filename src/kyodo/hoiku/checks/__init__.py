"""Independent checks of a result and flags for staff."""
