"""Commands: demo_cmd (to be filled)."""
