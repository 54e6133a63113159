"""Pieces every domain package shares: commit point, tokens, audit log, outbox, crypto, errors."""
