"""TLS for clients: which certificate authority to trust, and the client's own certificate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import grpc


@dataclass(frozen=True, slots=True)
class Tls:
    """Connect over TLS. Without ``ca`` the system's trusted roots check the server; with
    ``cert`` and ``key`` the client shows its own certificate (mutual TLS).

    >>> tls = Tls.from_files(ca="ca.crt", cert="client.crt", key="client.key")
    >>> client = AirspaceClient("utm.example.org:443", token="s3cret", tls=tls)
    """

    ca: bytes | None = None
    """PEM certificates of the authorities that may sign the server's certificate."""
    cert: bytes | None = None
    """PEM certificate chain of the client (mutual TLS)."""
    key: bytes | None = field(default=None, repr=False)
    """PEM private key of ``cert``."""
    server_name: str | None = None
    """Name the server's certificate must carry when it is not the target's host."""

    def __post_init__(self) -> None:
        if (self.cert is None) != (self.key is None):
            raise ValueError("a client certificate needs its key, and a key its certificate")

    @classmethod
    def from_files(
        cls,
        ca: str | Path | None = None,
        cert: str | Path | None = None,
        key: str | Path | None = None,
        server_name: str | None = None,
    ) -> Tls:
        """Read the PEM files that are given."""

        def read(path: str | Path | None) -> bytes | None:
            return None if path is None else Path(path).read_bytes()

        return cls(read(ca), read(cert), read(key), server_name)

    def credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(self.ca, self.key, self.cert)

    def channel_options(self) -> list[tuple[str, str]]:
        if self.server_name is None:
            return []
        return [("grpc.ssl_target_name_override", self.server_name)]
