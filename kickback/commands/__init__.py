"""One module per ``kickback`` subcommand group."""
