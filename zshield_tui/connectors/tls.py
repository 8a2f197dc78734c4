"""One verifying TLS context per process for every connector's HTTP client.

httpx builds a new context for each client, loading the whole CA bundle (~20 ms); the sync
engine opens a client per target on every pass and every bulk action. Verification stays
on: this is httpx's own default context (certifi's bundle), made once.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def verified_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
