"""TLS and mutual TLS: the server's settings, the SDK's ``Tls`` and the CLI's --tls-* flags."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from airspace.cli.main import cli
from airspace.clock import ManualClock
from airspace.sdk import NO_RETRY, AirspaceClient, Tls, Unauthenticated, Unavailable
from airspace.server.settings import SettingsError, TlsFiles, load_settings
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer, serving
from tests.reliability.certs import Authority


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return Authority(tmp_path, "city-ca")


def _serve(clock: ManualClock, tls: TlsFiles) -> Iterator[RunningServer]:
    with serving(clock, tls=tls) as started:
        yield started


@pytest.fixture
def tls_server(clock: ManualClock, authority: Authority) -> Iterator[RunningServer]:
    pem = authority.server()
    yield from _serve(clock, TlsFiles(pem.cert, pem.key))


@pytest.fixture
def mtls_server(clock: ManualClock, authority: Authority) -> Iterator[RunningServer]:
    pem = authority.server()
    yield from _serve(clock, TlsFiles(pem.cert, pem.key, client_ca=authority.cert))


ZONE = "futian-huanggang-port"
"""A zone of the demo city."""


def _fails_to_connect(target: str, tls: Tls | None) -> None:
    with (
        AirspaceClient(target, "demo-operator", tls=tls, retry=NO_RETRY, timeout_s=5) as client,
        pytest.raises(Unavailable),
    ):
        client.get_geozone(ZONE)


def test_a_client_trusting_the_servers_authority_books_over_tls(
    tls_server: RunningServer, authority: Authority
) -> None:
    with AirspaceClient(
        tls_server.target, "demo-operator", tls=Tls.from_files(ca=authority.cert)
    ) as client:
        answer = client.submit_flight_plan(delivery(T0 + 600, DEPOT, offset(DEPOT, 3000, 0)), "t1")
        assert answer.flight_plan.flight_plan_id
        assert client.get_flight_plan(answer.flight_plan.flight_plan_id) == answer.flight_plan


def test_plaintext_and_untrusted_clients_cannot_talk_to_a_tls_server(
    tls_server: RunningServer, tmp_path: Path
) -> None:
    _fails_to_connect(tls_server.target, None)
    stranger = Authority(tmp_path, "stranger-ca")
    _fails_to_connect(tls_server.target, Tls.from_files(ca=stranger.cert))


def test_mutual_tls_needs_a_client_certificate_from_the_configured_authority(
    mtls_server: RunningServer, authority: Authority, tmp_path: Path
) -> None:
    _fails_to_connect(mtls_server.target, Tls.from_files(ca=authority.cert))
    forged = Authority(tmp_path, "forger-ca").client()
    _fails_to_connect(
        mtls_server.target, Tls.from_files(ca=authority.cert, cert=forged.cert, key=forged.key)
    )
    good = authority.client()
    tls = Tls.from_files(ca=authority.cert, cert=good.cert, key=good.key)
    with AirspaceClient(mtls_server.target, "demo-regulator", tls=tls) as client:
        assert any(zone.geozone_id for zone in client.iter_geozones())


def test_a_client_certificate_alone_does_not_authenticate_a_call(
    mtls_server: RunningServer, authority: Authority
) -> None:
    """mTLS guards the transport; the bearer token still decides who is calling."""
    good = authority.client()
    tls = Tls.from_files(ca=authority.cert, cert=good.cert, key=good.key)
    with (
        AirspaceClient(mtls_server.target, "not-a-token", tls=tls, retry=NO_RETRY) as client,
        pytest.raises(Unauthenticated, match="token is not valid"),
    ):
        client.get_geozone(ZONE)


def test_the_cli_connects_with_its_tls_flags(
    mtls_server: RunningServer, authority: Authority
) -> None:
    good = authority.client()
    args = ["--target", mtls_server.target, "--token", "demo-regulator", "--json"]
    args += ["--tls-ca", str(authority.cert), "--tls-cert", str(good.cert)]
    half = CliRunner().invoke(cli, [*args, "zones", "list"])
    assert half.exit_code == 2 and "--tls-key" in half.output
    done = CliRunner().invoke(cli, [*args, "--tls-key", str(good.key), "zones", "list"])
    assert done.exit_code == 0, done.output
    assert ZONE in done.output


def test_the_settings_file_names_the_tls_files_relative_to_itself(
    authority: Authority, tmp_path: Path
) -> None:
    pem = authority.server()
    path = tmp_path / "airspace.toml"
    path.write_text(f'[tls]\ncert = "{pem.cert.name}"\nkey = "{pem.key.name}"\n')
    assert load_settings(path).tls == TlsFiles(pem.cert, pem.key)
    path.write_text(f'[tls]\ncert = "{pem.cert.name}"\nkey = "missing.key"\n')
    with pytest.raises(SettingsError, match=r"missing\.key"):
        load_settings(path)
    path.write_text(f'[tls]\ncert = "{pem.cert.name}"\n')
    with pytest.raises(SettingsError, match="needs both cert and key"):
        load_settings(path)
