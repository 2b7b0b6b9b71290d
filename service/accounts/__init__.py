"""Accounts: tenants, users, rosters, passwords, sign-in tokens and their revocation."""
