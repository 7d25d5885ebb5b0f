"""Commands: households_cmds (to be filled)."""
