"""Response playbooks per category, and how incidents (parents) are labelled.

Steps are ordered as an analyst works them: triage first, eradication and lessons last.
Low-severity alerts get only the first steps, which is how a real queue is worked.
"""

from __future__ import annotations

PLAYBOOKS: dict[str, tuple[str, ...]] = {
    "execution": (
        "Review the process tree on {host} and the command line",
        "Isolate {host} from the network if the payload ran",
        "Collect a memory image and the dropped files from {host}",
        "Block the indicators at the proxy and EDR",
        "Reset the credentials of {user}",
    ),
    "credential-access": (
        "Confirm whether any attempt succeeded for {user}",
        "Block the source address at the edge firewall",
        "Force a password reset and revoke sessions for {user}",
        "Check sign-ins of {user} over the last 7 days",
        "Review MFA enrolment and lockout policy",
    ),
    "lateral-movement": (
        "Identify the account used and where it logged on",
        "Isolate {host} and the source workstation",
        "Disable the account of {user} until reviewed",
        "Hunt for the same logon pattern on other servers",
        "Rotate local admin passwords (LAPS) on affected hosts",
    ),
    "exfiltration": (
        "Quantify the data that left {host}",
        "Block the destination at the proxy and firewall",
        "Identify the data owner and notify the privacy team",
        "Preserve flow records and proxy logs",
        "Assess notification obligations with legal",
    ),
    "phishing": (
        "Pull the message from every mailbox",
        "Block the sender and the linked domain",
        "Reset the password of every user who clicked",
        "Check sign-ins from the phishing infrastructure",
        "Send a short awareness note to the targeted team",
    ),
    "malware": (
        "Confirm the detection and the quarantine on {host}",
        "Isolate {host} if the file executed",
        "Search the fleet for the same SHA-256",
        "Reimage {host} if persistence is found",
        "Submit the sample to the threat-intel team",
    ),
    "reconnaissance": (
        "Check whether the source is an approved scanner",
        "Review which services answered",
        "Block the source if external and repeated",
        "Hunt for follow-up exploitation against {host}",
    ),
    "persistence": (
        "Inspect the new persistence entry on {host}",
        "Remove the entry and the binary it launches",
        "Find how it was created (process, account, time)",
        "Hunt for the same artefact across the fleet",
        "Review {user} for signs of compromise",
    ),
    "privilege-escalation": (
        "Confirm the change against approved change tickets",
        "Revert the privilege granted",
        "Review actions taken with the elevated rights",
        "Reset the credentials of {user}",
        "Tighten the policy that allowed the escalation",
    ),
    "policy-violation": (
        "Contact {user} and their manager",
        "Remove the unapproved software or access",
        "Record the exception or the violation in the HR process",
    ),
    "initial-access": (
        "Check whether the attempt succeeded on {host}",
        "Block the source address",
        "Patch or mitigate the exposed service",
        "Hunt for post-exploitation activity",
        "Review exposure of similar services",
    ),
    "defense-evasion": (
        "Confirm the tampering event on {host}",
        "Restore logging or protection on {host}",
        "Isolate {host} pending investigation",
        "Identify the account and process responsible",
        "Review what happened while visibility was reduced",
    ),
    "command-and-control": (
        "Confirm the destination against threat intel",
        "Block the domain and address at DNS and proxy",
        "Isolate {host} and collect a memory image",
        "Find the implant and how it arrived",
        "Hunt for the same destination fleet-wide",
    ),
}
# Stands in for {user} when the alert names nobody (a Falco rule, a port probe).
UNNAMED_USER = "the affected user"
INCIDENT_USERS = "every targeted user"
INCIDENT_CLOSING_STEP = "Close the child alerts and their tickets once the incident is resolved"

CATEGORY_LABELS: dict[str, str] = {
    "execution": "malicious execution",
    "credential-access": "credential attack",
    "lateral-movement": "lateral movement",
    "exfiltration": "data exfiltration",
    "phishing": "phishing campaign",
    "malware": "malware outbreak",
    "reconnaissance": "reconnaissance",
    "persistence": "persistence",
    "privilege-escalation": "privilege escalation",
    "initial-access": "intrusion attempt",
    "defense-evasion": "defence evasion",
    "command-and-control": "command and control",
}
# How often each category becomes a correlated incident; pure policy noise never does.
INCIDENT_CATEGORY_WEIGHTS: dict[str, int] = {
    "credential-access": 5, "phishing": 4, "lateral-movement": 4, "malware": 3,
    "execution": 3, "command-and-control": 2, "exfiltration": 2, "reconnaissance": 2,
    "initial-access": 2, "persistence": 1, "privilege-escalation": 1, "defense-evasion": 1,
}
# Categories where an incident is one compromised account; elsewhere each child has its own.
SHARED_USER_CATEGORIES = frozenset({
    "lateral-movement", "exfiltration", "execution", "persistence", "privilege-escalation",
    "defense-evasion", "command-and-control", "malware",
})
