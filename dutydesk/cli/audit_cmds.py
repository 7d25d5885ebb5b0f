"""Commands: audit_cmds (to be filled)."""
