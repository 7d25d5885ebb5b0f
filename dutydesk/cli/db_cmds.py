"""Commands: db_cmds (to be filled)."""
