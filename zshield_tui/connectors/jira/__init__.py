"""Jira connector: Cloud (REST v3, ADF) and Data Center (REST v2, wiki markup)."""

from zshield_tui.connectors.jira.client import JiraConnector

__all__ = ["JiraConnector"]
