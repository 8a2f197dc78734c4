"""Local Jira and ServiceNow simulators (ASGI apps) that speak the real wire format."""
