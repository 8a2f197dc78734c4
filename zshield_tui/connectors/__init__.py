"""Ticketing systems behind one interface (base.py): jira/ and servicenow/.

httpx.AsyncClient only; retries, rate limits and error mapping live here. A connector
never touches the store: the sync layer moves data between the two.
"""
