"""The small CLI commands; each module holds one click command."""
