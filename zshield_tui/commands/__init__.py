"""The headless commands behind `zshield SUBCOMMAND`; cli.py parses and dispatches."""
