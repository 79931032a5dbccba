"""Route modules of staff and checkpoints; the blueprint is in the package."""
