"""Commands: households search and show (matching)."""
