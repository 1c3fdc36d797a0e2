"""Properties of the project itself: generated code, import direction, a light SDK."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "airspace.model",
    "airspace.config",
    "airspace.geo",
    "airspace.grid",
    "airspace.footprint",
    "airspace.separation",
    "airspace.deconfliction",
    "airspace.zones",
    "airspace.validation",
    "airspace.flight_plans",
    "airspace.geozones",
    "airspace.store",
    "airspace.store.memory",
    "airspace.zone_formats",
    "airspace.tactical",
    "airspace.advisories",
    "airspace.conformance",
    "airspace.live",
    "airspace.events",
    "airspace.watch",
    "airspace.planning",
    "airspace.nearby",
    "planner",
    "planner.fleet",
    "planner.vrp",
]


def _modules_after_import(*modules: str) -> set[str]:
    code = f"import sys; import {', '.join(modules)}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_generated_stubs_match_the_protos_and_the_runtime() -> None:
    # In a child process: grpc_tools and ortools crash when loaded into one process.
    check = subprocess.run(
        [sys.executable, "-m", "scripts.gen_protos", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "stubs are current" in check.stdout


def test_the_core_imports_no_adapters() -> None:
    loaded = _modules_after_import(*CORE)
    assert not {"grpc", "redis", "pymavlink"} & {m.split(".")[0] for m in loaded}


def test_the_sdk_needs_none_of_the_server_dependencies() -> None:
    loaded = _modules_after_import("airspace.sdk")
    assert not {"h3", "shapely", "pyproj", "ortools", "numpy"} & {m.split(".")[0] for m in loaded}
