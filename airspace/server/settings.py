"""Server settings: where to listen, the airspace's semantics, and who may call.

Read from a TOML file (``airspace serve --config FILE``)::

    [server]
    host = "127.0.0.1"
    port = 50051
    demo_city = true            # load the bundled Shenzhen geozones into an empty store

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
    identities: Mapping[str, Identity] = field(default_factory=lambda: dict(DEMO_IDENTITIES))
    """Bearer token → identity."""

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
    server = data.get("server", {})
    known = {"host", "port", "demo_city"}
    if unknown := set(server) - known:
        raise SettingsError(f"{path}: unknown [server] keys {sorted(unknown)}")
    return ServerSettings(
        host=str(server.get("host", "127.0.0.1")),
        port=int(server.get("port", 50051)),
        demo_city=bool(server.get("demo_city", True)),
        airspace=_airspace(data.get("airspace", {}), path),
        identities=_identities(data.get("identities"), path),
    )


def _airspace(table: dict[str, Any], path: Path) -> AirspaceConfig:
    names = {f.name for f in fields(AirspaceConfig)}
    if unknown := set(table) - names:
        raise SettingsError(f"{path}: unknown [airspace] keys {sorted(unknown)}")
    values = dict(table)
    if "bounds" in values:
        values["bounds"] = BoundingBox(**values["bounds"])
    return AirspaceConfig(**values)


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
