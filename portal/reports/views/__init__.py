"""Route modules of the reports, one per kind of page; the blueprint is in the package."""
