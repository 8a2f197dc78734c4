"""The one error family every connector raises. Each message says what to do, names the
field or setting at fault, and never contains a secret."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base: the remote system refused or could not be reached."""

    def __init__(self, message: str, *, target: str = "", status: int | None = None) -> None:
        self.target = target
        self.status = status
        super().__init__(f"{target}: {message}" if target else message)


class AuthError(ConnectorError):
    """401/403 or a failed token exchange: the message names the setting to fix."""


class NotFoundError(ConnectorError):
    """The project, table, issue, record, transition or user does not exist."""


class ValidationError(ConnectorError):
    """The remote refused the payload (400): `fields` maps each field to its message."""

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **kwargs) -> None:
        self.fields = fields or {}
        super().__init__(message, **kwargs)


class RateLimitError(ConnectorError):
    """429 still after the allowed retries: `retry_after` seconds, when the remote said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class UnavailableError(ConnectorError):
    """5xx, timeout or network failure still after the allowed retries."""


class UnreachableError(UnavailableError):
    """No connection could be opened after the allowed retries: nothing was sent, and
    the other requests to this target would fare no better right now."""


class UncertainError(UnavailableError):
    """The request was sent but no answer came: the change may or may not have happened.
    Callers must look (find by correlation key) before trying a create again."""


class Unsupported(ConnectorError):
    """The target's system has no such thing (a CMDB on Jira, say): a caller asks the
    connector's capability flag first, so this means a bug, not a remote refusal."""
