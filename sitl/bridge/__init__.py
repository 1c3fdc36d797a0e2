"""The MAVLink → TelemetryService bridge (issue #5).

    from sitl.bridge import Bridge, BridgeSettings, load_manifest

    bridge = Bridge(["udpin:0.0.0.0:14540"], "localhost:50051", "demo-operator",
                    assignments=load_manifest(Path("fleet.json")),
                    settings=BridgeSettings(ground_elevation_m=4.0))
    await bridge.start()   # then bridge.stats, bridge.vehicles(); await bridge.stop()

Unassigned system ids fly as ``MAV-<sysid>`` (``DEFAULT_REGISTRATION_PREFIX``).
"""

from sitl.bridge.bridge import Bridge
from sitl.bridge.endpoints import Endpoint, parse_endpoint
from sitl.bridge.mapping import (
    DEFAULT_REGISTRATION_PREFIX,
    Assignment,
    load_manifest,
    parse_manifest,
    parse_vehicle_spec,
)
from sitl.bridge.settings import BridgeSettings
from sitl.bridge.stats import BridgeStats, Drop
from sitl.bridge.vehicles import Vehicle

__all__ = [
    "DEFAULT_REGISTRATION_PREFIX",
    "Assignment",
    "Bridge",
    "BridgeSettings",
    "BridgeStats",
    "Drop",
    "Endpoint",
    "Vehicle",
    "load_manifest",
    "parse_endpoint",
    "parse_manifest",
    "parse_vehicle_spec",
]
