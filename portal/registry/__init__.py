"""The official registry of places that must register: import, matching, follow-ups."""
