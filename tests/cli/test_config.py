"""The command's settings (flags > environment > file), --json, --help and exit codes, run
in process against a real server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from airspace.cli.main import cli
from tests.conftest import RunningServer

ROOT = Path(__file__).resolve().parents[2]
DELIVERY = str(ROOT / "examples" / "delivery.geojson")
DEPART = "2026-12-01T08:10:00Z"
UNREACHABLE = "127.0.0.1:1"


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the machine's own environment or ~/.config reaches these tests."""
    for name in ("AIRSPACE_TARGET", "AIRSPACE_TOKEN", "AIRSPACE_TIMEOUT", "AIRSPACE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def run(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def settings_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "airspace.toml"
    path.write_text(text)
    return str(path)


@pytest.fixture
def accepted_plan(running: RunningServer) -> str:
    out = run(
        "--target", running.target, "--json", "plans", "submit", DELIVERY, "--depart-at", DEPART
    )
    assert out.exit_code == 0, out.output
    return str(json.loads(out.stdout)["flight_plan"]["flight_plan_id"])


def test_flags_beat_the_environment_which_beats_the_file(
    running: RunningServer, tmp_path: Path
) -> None:
    config = settings_file(tmp_path, f'target = "{running.target}"\ntoken = "demo-regulator"\n')
    import_ = ("zones", "import", str(ROOT / "tests" / "data" / "ed269_sample.json"))
    assert run("--config", config, *import_).exit_code == 0  # the file's regulator token
    as_operator = run("--config", config, *import_, AIRSPACE_TOKEN="demo-operator")
    assert as_operator.exit_code == 1 and "PermissionDenied" in as_operator.stderr
    flag = run(
        "--config", config, "--token", "demo-regulator", *import_, AIRSPACE_TOKEN="demo-operator"
    )
    assert flag.exit_code == 0
    elsewhere = run(
        "--config", config, "--timeout", "0.5", "zones", "list", AIRSPACE_TARGET=UNREACHABLE
    )
    assert elsewhere.exit_code == 3 and "cannot reach 127.0.0.1:1" in elsewhere.stderr
    by_variable = run(*import_, AIRSPACE_CONFIG=config)
    assert by_variable.exit_code == 0


def test_command_tables_set_command_options(
    running: RunningServer, tmp_path: Path, accepted_plan: str
) -> None:
    config = settings_file(
        tmp_path, f'target = "{running.target}"\njson = true\n[plans.list]\nstate = ["ended"]\n'
    )
    assert json.loads(run("--config", config, "plans", "list").stdout) == []
    listed = json.loads(run("--config", config, "plans", "list", "--state", "accepted").stdout)
    assert [f["properties"]["flight_plan_id"] for f in listed] == [accepted_plan]


def test_the_default_file_is_read_when_present(
    running: RunningServer, tmp_path: Path, accepted_plan: str
) -> None:
    default = tmp_path / "xdg" / "airspace" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text(f'target = "{running.target}"\n')
    shown = run("plans", "show", accepted_plan)
    assert shown.exit_code == 0 and f"{accepted_plan}: accepted" in shown.stdout


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('targt = "x"\n', "no setting named targt"),
        ('[plans.list]\nstat = ["ended"]\n', "no setting named plans.list.stat"),
        ("target = \n", "Invalid value"),
    ],
)
def test_a_bad_file_is_a_usage_error(tmp_path: Path, text: str, complaint: str) -> None:
    out = run("--config", settings_file(tmp_path, text), "zones", "list")
    assert out.exit_code == 2 and complaint in out.stderr


def test_a_missing_explicit_file_is_a_usage_error(tmp_path: Path) -> None:
    out = run("--config", str(tmp_path / "nope.toml"), "zones", "list")
    assert out.exit_code == 2 and "does not exist" in out.stderr


def test_exit_codes(running: RunningServer) -> None:
    target = ("--target", running.target)
    assert run(*target, "zones", "list").exit_code == 0
    refused = run(*target, "plans", "activate", "no-such-plan")
    assert refused.exit_code == 1 and "NotFound" in refused.stderr
    assert run(*target, "plans", "list", "--state", "flying").exit_code == 2
    assert run(*target, "no-such-command").exit_code == 2
    assert run("--target", UNREACHABLE, "--timeout", "0.5", "plans", "list").exit_code == 3


def test_json_after_the_command(running: RunningServer, accepted_plan: str) -> None:
    shown = run("--target", running.target, "plans", "show", accepted_plan, "--json")
    assert json.loads(shown.stdout)["flight_plan_id"] == accepted_plan


def commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def test_every_command_explains_itself_with_an_example_and_offers_json() -> None:
    top = run("--help")
    assert "Exit codes" in top.stdout and "--config" in top.stdout
    listed = list(commands(cli))
    assert len(listed) >= 15
    for path, command in listed:
        shown = run(*path, "--help")
        assert shown.exit_code == 0, path
        assert "Example" in shown.stdout, path
        if not isinstance(command, click.Group):
            assert "--json" in shown.stdout, path
