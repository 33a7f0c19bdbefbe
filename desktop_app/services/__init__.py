"""Use cases: each function is one thing a user does, one transaction, callable from GUI and CLI."""
