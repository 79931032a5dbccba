"""Route modules of the registry, one per thing an official works on; the blueprint is in the package."""
