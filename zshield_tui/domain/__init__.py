"""Pure models and rules. Imports nothing of ours and does no I/O.

Names are loaded on first use (PEP 562): the TUI's first paint needs only the enums, and
building the pydantic models costs more than an empty Textual app takes to draw.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "Severity": ".severity", "AlertState": ".state",
    "Alert": ".alert", "Asset": ".alert", "IOC": ".alert", "Evidence": ".alert",
    "CreateMetadata": ".metadata", "FieldSpec": ".metadata",
    "Note": ".ticket", "NoteOrigin": ".ticket", "Ticket": ".ticket", "TicketDraft": ".ticket",
}
__all__ = [
    "CreateMetadata",
    "FieldSpec",
    "Alert",
    "AlertState",
    "Asset",
    "Evidence",
    "IOC",
    "Note",
    "NoteOrigin",
    "Severity",
    "Ticket",
    "TicketDraft",
]

if TYPE_CHECKING:
    from .alert import IOC, Alert, Asset, Evidence
    from .metadata import CreateMetadata, FieldSpec
    from .severity import Severity
    from .state import AlertState
    from .ticket import Note, NoteOrigin, Ticket, TicketDraft


def __getattr__(name: str) -> object:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(module, __name__), name)
