"""Public pages: home, short-code look-up, health check."""
