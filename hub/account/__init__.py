"""Accounts: register, activate, log in, sessions."""
