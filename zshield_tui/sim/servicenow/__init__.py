"""A ServiceNow instance in memory: Table, Attachment, Batch and OAuth APIs on the real
wire format (string values, `{"result": ...}`, `{"error": {...}, "status": "failure"}`).

Seeded credentials: basic `admin`/`admin`, `zshield.integration`/`zshield`,
`ana.analyst`/`analyst`; OAuth client `zshield-client`/`zshield-secret`.
"""
