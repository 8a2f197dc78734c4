"""Workflow automation: routing rules, assignment, on-call rotations, auto-create,
escalation and the what-if replay (issue 7).

Every decision here is a pure function of the alert, the config and an injected clock; the
sync engine carries the decisions out and `audit` records them with the rule that caused
them. Nothing here imports Textual or the sync layer.
"""
