"""The Jira simulator (`zshield sim jira`)."""
