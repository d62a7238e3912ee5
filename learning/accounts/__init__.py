"""Accounts: registration, sign-in and sign-out, profiles, password reset, roles."""
