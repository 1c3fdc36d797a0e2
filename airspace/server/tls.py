"""TLS for the server: its certificate, and optionally the CA its clients' certificates need."""

from __future__ import annotations

import grpc

from airspace.server.settings import TlsFiles


def server_credentials(files: TlsFiles) -> grpc.ServerCredentials:
    """Credentials from PEM files; with a client CA, a client without a certificate it signed
    fails the handshake (mutual TLS)."""
    client_ca = files.client_ca.read_bytes() if files.client_ca else None
    return grpc.ssl_server_credentials(
        [(files.key.read_bytes(), files.cert.read_bytes())],
        root_certificates=client_ca,
        require_client_auth=client_ca is not None,
    )
