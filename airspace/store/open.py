"""A store from its URL: ``memory``, ``redis://HOST:PORT/DB`` or ``redis+cluster://HOST:PORT``."""

from __future__ import annotations

from airspace.store import KeysOf, Store
from airspace.store.memory import MemoryStore


def open_store(url: str, keys_of: KeysOf) -> Store:
    """The store ``url`` names (``keys_of`` gives a plan's index keys, for shared stores that
    rebuild their index)."""
    if url == "memory":
        return MemoryStore()
    if url.startswith(("redis://", "rediss://", "unix://", "redis+cluster://")):
        from airspace.store.redis import RedisStore  # only shared deployments need redis-py

        return RedisStore.from_url(url, keys_of)
    raise ValueError(
        f"unknown store {url!r}: use 'memory', 'redis://HOST:PORT/DB' or "
        "'redis+cluster://HOST:PORT'"
    )
