"""Commands: users_cmds (to be filled)."""
