"""Venue staff and checkpoint officers: the pass scanner, assisted check-in, teams and lane figures."""
