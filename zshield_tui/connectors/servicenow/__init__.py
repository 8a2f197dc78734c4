"""ServiceNow: Table API on incident / sn_si_incident, journal, attachments, CMDB, SLA, Batch."""

from zshield_tui.connectors.servicenow.client import ServiceNowConnector

__all__ = ["ServiceNowConnector"]
