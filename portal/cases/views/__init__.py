"""The case register's pages, one module per sub-area; what they share is in shared.py."""
