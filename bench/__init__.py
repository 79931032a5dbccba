"""`make bench`: load and scale benchmarks of the portal on this machine (not part of the tests)."""
