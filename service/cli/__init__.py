"""`flask` commands, one module per area; `register_commands` adds them all to the app."""
