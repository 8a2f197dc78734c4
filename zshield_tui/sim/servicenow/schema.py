"""Columns, references and choices of the simulated tables (the subset zshield uses)."""

from __future__ import annotations

TASK_COLUMNS = (
    "sys_id", "number", "short_description", "description", "state", "active", "impact",
    "urgency", "priority", "severity", "category", "subcategory", "caller_id", "opened_by",
    "opened_at", "assigned_to", "assignment_group", "cmdb_ci", "hold_reason", "close_code",
    "close_notes", "resolved_at", "resolved_by", "closed_at", "closed_by", "correlation_id",
    "correlation_display", "work_notes", "comments", "sys_created_on", "sys_created_by",
    "sys_updated_on", "sys_updated_by", "sys_mod_count", "sys_class_name",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "incident": (*TASK_COLUMNS, "incident_state", "business_service", "parent_incident"),
    "sn_si_incident": (*TASK_COLUMNS, "affected_user", "risk_score", "business_criticality",
                       "substate", "attack_vector", "parent_security_incident"),
    "sys_user": ("sys_id", "user_name", "name", "email", "active", "sys_created_on",
                 "sys_updated_on", "sys_class_name"),
    "sys_user_group": ("sys_id", "name", "description", "active", "sys_created_on",
                       "sys_updated_on"),
    "cmdb_ci": ("sys_id", "name", "ip_address", "fqdn", "sys_class_name", "owned_by",
                "managed_by", "support_group", "operational_status", "sys_created_on",
                "sys_updated_on"),
    "contract_sla": ("sys_id", "name", "duration", "target", "table"),
    "task_sla": ("sys_id", "task", "sla", "stage", "has_breached", "active", "start_time",
                 "end_time", "planned_end_time", "original_breach_time", "percentage",
                 "business_percentage", "time_left", "business_time_left", "duration",
                 "business_duration", "pause_duration", "sys_created_on", "sys_updated_on"),
    "sys_journal_field": ("sys_id", "element", "element_id", "name", "value",
                          "sys_created_on", "sys_created_by"),
    "sys_attachment": ("sys_id", "file_name", "content_type", "size_bytes", "table_name",
                       "table_sys_id", "sys_created_on", "sys_created_by"),
    "sys_choice": ("sys_id", "name", "element", "value", "label", "sequence", "inactive",
                   "language", "dependent_value"),
}

# Tables that store their rows in a parent table, filtered by class (CMDB hierarchy).
CLASS_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "cmdb_ci_computer": ("cmdb_ci", ("cmdb_ci_computer", "cmdb_ci_server",
                                     "cmdb_ci_linux_server", "cmdb_ci_win_server")),
    "cmdb_ci_server": ("cmdb_ci", ("cmdb_ci_server", "cmdb_ci_linux_server",
                                   "cmdb_ci_win_server")),
}

REFERENCES: dict[str, str] = {
    "caller_id": "sys_user", "opened_by": "sys_user", "assigned_to": "sys_user",
    "resolved_by": "sys_user", "closed_by": "sys_user", "affected_user": "sys_user",
    "owned_by": "sys_user", "managed_by": "sys_user", "assignment_group": "sys_user_group",
    "support_group": "sys_user_group", "cmdb_ci": "cmdb_ci", "task": "task",
    "sla": "contract_sla", "parent_incident": "incident",
    "parent_security_incident": "sn_si_incident",
}

# The column a reference shows as its display value.
DISPLAY_COLUMN = {"sys_user": "name", "sys_user_group": "name", "cmdb_ci": "name",
                  "contract_sla": "name", "task": "number", "incident": "number",
                  "sn_si_incident": "number"}

JOURNAL_FIELDS = {"work_notes": "Work notes", "comments": "Additional comments"}

INCIDENT_STATES = {"1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved",
                   "7": "Closed", "8": "Canceled"}
SIR_STATES = {"10": "Draft", "16": "Analysis", "18": "Contain", "19": "Eradicate",
              "20": "Recover", "100": "Review", "3": "Closed", "7": "Cancelled"}
LEVELS = {"1": "1 - High", "2": "2 - Medium", "3": "3 - Low"}
PRIORITIES = {"1": "1 - Critical", "2": "2 - High", "3": "3 - Moderate", "4": "4 - Low",
              "5": "5 - Planning"}
INCIDENT_CLOSE_CODES = ("Duplicate", "Known error", "Resolved by caller", "Resolved by change",
                        "Resolved by problem", "Solution provided", "Workaround provided",
                        "User error")
SIR_CLOSE_CODES = ("Investigation completed", "Threat mitigated", "Patched vulnerability",
                   "Invalid vulnerability", "Not resolved", "False positive")
HOLD_REASONS = {"1": "Awaiting Caller", "3": "Awaiting Problem", "4": "Awaiting Vendor",
                "5": "Awaiting Change"}
SLA_STAGES = {"in_progress": "In progress", "paused": "Paused", "completed": "Completed",
              "cancelled": "Cancelled"}

CHOICES: dict[tuple[str, str], dict[str, str]] = {
    ("incident", "state"): INCIDENT_STATES,
    ("incident", "incident_state"): INCIDENT_STATES,
    ("sn_si_incident", "state"): SIR_STATES,
    ("incident", "hold_reason"): HOLD_REASONS,
    ("incident", "close_code"): {c: c for c in INCIDENT_CLOSE_CODES},
    ("sn_si_incident", "close_code"): {c: c for c in SIR_CLOSE_CODES},
    ("task_sla", "stage"): SLA_STAGES,
    **{(t, f): LEVELS for t in ("incident", "sn_si_incident") for f in ("impact", "urgency",
                                                                         "severity")},
    **{(t, "priority"): PRIORITIES for t in ("incident", "sn_si_incident")},
}

# dl_u_priority: impact x urgency -> priority (B5.3).
PRIORITY_LOOKUP = {(i, u): str(min(5, i + u - 1)) for i in (1, 2, 3) for u in (1, 2, 3)}

# Resolution SLA per priority, in hours.
SLA_HOURS = {"1": 4, "2": 8, "3": 48, "4": 120, "5": 240}


def columns_of(table: str) -> tuple[str, ...]:
    """The columns of a table, class tables included (they share their parent's)."""
    base = CLASS_TABLES.get(table, (table, ()))[0]
    return COLUMNS[base]


def is_table(table: str) -> bool:
    return table in COLUMNS or table in CLASS_TABLES
