"""The application core shared by the CLI and the TUI (service.Core), and the typed
results it returns (results)."""

from .results import (
    AssignResult,
    NoteResult,
    PushResult,
    ResolveResult,
    Scope,
    Sent,
    SyncResult,
    TargetInfo,
    TargetStatus,
    TicketRow,
)
from .service import Core

__all__ = ["AssignResult", "Core", "NoteResult", "PushResult",
           "ResolveResult", "Scope", "Sent", "SyncResult", "TargetInfo", "TargetStatus",
           "TicketRow"]
