"""Visits: checking in and out at a venue."""
