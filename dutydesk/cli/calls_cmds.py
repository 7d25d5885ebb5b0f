"""Commands: calls_cmds (to be filled)."""
