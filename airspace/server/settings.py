"""Server settings: where to listen, the airspace's semantics, and who may call.

Read from a TOML file (``airspace serve --config FILE``)::

    [server]
    host = "127.0.0.1"
    port = 50051
    demo_city = true            # load the bundled Shenzhen geozones into an empty store
    store = "memory"            # or redis://HOST:PORT/DB, redis+cluster://HOST:PORT

    [tls]                       # serve TLS instead of plaintext (PEM files)
    cert = "server.crt"
    key = "server.key"
    client_ca = "clients-ca.crt"  # optional: require client certificates it signed (mTLS)

    [limits]                    # any field of Limits below
    max_streams_per_identity = 32

    [airspace]                  # any field of airspace.config.AirspaceConfig
    horizontal_separation_m = 50.0

    [[identities]]
    token = "s3cret"            # what the caller sends as 'authorization: Bearer s3cret'
    subject_id = "op-acme"
    role = "operator"           # or "regulator"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from airspace.config import AirspaceConfig, BoundingBox
from airspace.model import Identity

DEMO_IDENTITIES: Mapping[str, Identity] = {
    "demo-operator": Identity("op-demo", "operator"),
    "demo-operator-2": Identity("op-other", "operator"),
    "demo-regulator": Identity("caa-demo", "regulator"),
}
"""Tokens a bare ``airspace serve`` accepts, for trying the service out. Never for production."""

ROLES = ("operator", "regulator")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one client may take of the server; beyond it, calls get RESOURCE_EXHAUSTED."""

    max_message_bytes: int = 4 * 1024 * 1024
    """Largest request message (gRPC's own default, 4 MiB)."""
    max_concurrent_calls: int = 1_000
    """Calls, streams included, the server runs at once."""
    max_streams_per_identity: int = 32
    """Open streams (watches, telemetry, fleet planning) of one identity."""
    max_states_per_s_per_stream: float = 20_000.0
    """Vehicle states one telemetry stream may send per second (averaged over one second)."""
    max_open_plans_per_operator: int = 20_000
    """Plans of one operator holding airspace (accepted or airborne) at once."""


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """PEM files of a TLS server; with ``client_ca``, clients must show a certificate it signed."""

    cert: Path
    key: Path
    client_ca: Path | None = None


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 50051
    """0 picks a free port."""
    demo_city: bool = True
    """Load the bundled demo geozones when the store has none."""
    store: str = "memory"
    """``memory`` (embedded, this process only), or shared by replicas: ``redis://HOST:PORT/DB``
    or ``redis+cluster://HOST:PORT``."""
    airspace: AirspaceConfig = field(default_factory=AirspaceConfig)
    identities: Mapping[str, Identity] = field(
        default_factory=lambda: dict(DEMO_IDENTITIES), repr=False
    )
    """Bearer token → identity (kept out of ``repr``: tokens are secrets)."""
    limits: Limits = field(default_factory=Limits)
    tls: TlsFiles | None = None
    """None: plaintext (loopback and trusted networks only)."""

    @property
    def uses_demo_tokens(self) -> bool:
        return any(token in DEMO_IDENTITIES for token in self.identities)


class SettingsError(ValueError):
    """The settings file cannot be used; the message says why."""


def load_settings(path: Path) -> ServerSettings:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    if unknown := set(data) - {"server", "airspace", "limits", "tls", "identities"}:
        raise SettingsError(f"{path}: unknown tables {sorted(unknown)}")
    server = _table(data, "server", {"host", "port", "demo_city", "store"}, path)
    airspace = _table(data, "airspace", {f.name for f in fields(AirspaceConfig)}, path)
    try:
        if "bounds" in airspace:
            airspace["bounds"] = BoundingBox(**airspace["bounds"])
        return ServerSettings(
            host=str(server.get("host", "127.0.0.1")),
            port=int(server.get("port", 50051)),
            demo_city=bool(server.get("demo_city", True)),
            store=str(server.get("store", "memory")),
            airspace=AirspaceConfig(**airspace),
            identities=_identities(data.get("identities"), path),
            limits=Limits(**_table(data, "limits", {f.name for f in fields(Limits)}, path)),
            tls=_tls(_table(data, "tls", {"cert", "key", "client_ca"}, path), path),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc


def _table(data: dict[str, Any], name: str, known: set[str], path: Path) -> dict[str, Any]:
    """The ``[name]`` table, refused when it holds a key no setting has (a typo)."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [{name}] must be a table")
    if unknown := set(table) - known:
        raise SettingsError(f"{path}: unknown [{name}] keys {sorted(unknown)}")
    return dict(table)


def _tls(table: dict[str, Any], path: Path) -> TlsFiles | None:
    """The TLS files, relative to the settings file's folder; all must be readable."""
    if not table:
        return None
    if "cert" not in table or "key" not in table:
        raise SettingsError(f"{path}: [tls] needs both cert and key")
    files = {name: path.parent / value for name, value in table.items()}
    for name, file in files.items():
        if not file.is_file():
            raise SettingsError(f"{path}: [tls] {name}: {file} is not a readable file")
    return TlsFiles(**files)


def _identities(entries: list[dict[str, str]] | None, path: Path) -> dict[str, Identity]:
    if entries is None:
        return dict(DEMO_IDENTITIES)
    out: dict[str, Identity] = {}
    for i, entry in enumerate(entries):
        token, subject, role = entry.get("token"), entry.get("subject_id"), entry.get("role")
        if not token or not subject or role not in ROLES:
            raise SettingsError(
                f"{path}: identities[{i}] needs token, subject_id and role (operator|regulator)"
            )
        out[token] = Identity(subject, role)
    return out
