"""zshield-tui: security alerts to Jira and ServiceNow tickets, from the terminal."""

__version__ = "0.1.0"
