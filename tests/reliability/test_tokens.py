"""Bearer tokens are checked in constant time: every known digest is compared, every call."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Callable

import pytest

from airspace.sdk import NO_RETRY, AirspaceClient, Unauthenticated
from airspace.server import guard
from airspace.server.settings import DEMO_IDENTITIES
from tests.conftest import RunningServer


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, bytes]]:
    """Every digest comparison the guard makes."""
    made: list[tuple[bytes, bytes]] = []
    compare: Callable[[bytes, bytes], bool] = hmac.compare_digest

    def counted(a: bytes, b: bytes) -> bool:
        made.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(guard.hmac, "compare_digest", counted)
    return made


@pytest.mark.parametrize("token", [*DEMO_IDENTITIES, "demo-operatos", "x" * 500])
def test_each_call_compares_its_token_with_every_identity_whether_it_matches_or_not(
    running: RunningServer, comparisons: list[tuple[bytes, bytes]], token: str
) -> None:
    with (
        AirspaceClient(running.target, token, retry=NO_RETRY) as client,
        contextlib.suppress(Unauthenticated),
    ):
        list(client.iter_flight_plans())
    assert len(comparisons) == len(DEMO_IDENTITIES)
    assert {a for a, _ in comparisons} == {guard.token_digest(token)}
    assert {b for _, b in comparisons} == {guard.token_digest(t) for t in DEMO_IDENTITIES}
