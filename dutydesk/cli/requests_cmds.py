"""Commands: requests_cmds (to be filled)."""
