"""Sync: the durable outbox, the worker that drains it, the poller that pulls remote
status and comments, and the engine the CLI and the TUI call (DESIGN §6)."""
