"""What an outbox op's handler works with: the store's connection, the target and its
connector. Not the worker: a handler does one op and has no business with claims,
leases or concurrency."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from zshield_tui.connectors.base import Connector
from zshield_tui.store.syncrepo import OutboxOp

from .targets import Target


@dataclass(frozen=True)
class OpContext:
    conn: sqlite3.Connection
    target: Target
    connector: Connector


Handler = Callable[[OpContext, OutboxOp], Awaitable[str]]
"""Does one op remotely and records the answer; returns what the drain reports (a key)."""
