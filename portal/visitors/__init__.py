"""Visitors, their devices and dependents, and the /me page."""
