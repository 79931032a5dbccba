"""Who looked at or exported personal data, when, for which case: append-only."""
