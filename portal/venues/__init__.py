"""Venues, their tokens, short codes and posters."""
