"""Accounts: sign-up, login, roles."""
