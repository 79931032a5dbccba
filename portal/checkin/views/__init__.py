"""Route modules of the visitor's check-in pages; the blueprint is in the package."""
