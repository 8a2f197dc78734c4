"""The shared TLS context still verifies certificates and host names."""

from __future__ import annotations

import ssl

from zshield_tui.connectors.tls import verified_context


def test_the_shared_context_verifies_and_is_made_once():
    context = verified_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0   # a CA bundle is loaded
    assert verified_context() is context
